using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;
using PluginHost.Http;
using PluginHost.Mounts;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// <c>audit_overhead_us_p50</c>: what a <c>file</c> audit device adds to an HTTP read of a builtin kv secret (Kestrel on
/// loopback, one client): the p50 with the device minus the p50 without, measured in alternating passes (plain,
/// audited, plain, …) so drift on a noisy machine falls on both sides; the figure is the median of the pass pairs'
/// differences. Each audited read writes two JSON lines (request and response) to a file in the workspace.
/// </summary>
internal static class AuditOverhead
{
    private const string RootToken = "bench-root";

    public static async Task<(double OverheadUsP50, double PlainUsP50, double AuditedUsP50)> MeasureAsync(
        Workspace workspace, LatencySampler sampler, int passes, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddPluginHost();
        builder.Services.AddPluginHostHttp(o => o.RootToken = RootToken);
        await using var app = builder.Build();
        app.MapPluginHost();
        await app.StartAsync(cancellationToken);
        var host = app.Services.GetRequiredService<IPluginHost>();
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "builtin" }, cancellationToken);
        await host.WriteAsync("builtin/foo", new { value = "bar" }, cancellationToken);

        using var handler = new SocketsHttpHandler { UseProxy = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(app.Urls.First()) };
        http.DefaultRequestHeaders.Add("X-Vault-Token", RootToken);
        var log = Path.Combine(workspace.Root, "audit.log");
        var enable = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "file",
            ["options"] = new Dictionary<string, string> { ["file_path"] = log },
        });

        var plain = new List<double>(passes);
        var audited = new List<double>(passes);
        for (var pass = 0; pass < passes; pass++)
        {
            plain.Add((await sampler.MeasureAsync(ct => ReadAsync(http, ct), batchSize: 1, cancellationToken)).P50Us);
            await ExpectAsync(http.PutAsync("/v1/sys/audit/bench", new StringContent(enable, Encoding.UTF8, "application/json"), cancellationToken), HttpStatusCode.NoContent);
            audited.Add((await sampler.MeasureAsync(ct => ReadAsync(http, ct), batchSize: 1, cancellationToken)).P50Us);
            await ExpectAsync(http.DeleteAsync("/v1/sys/audit/bench", cancellationToken), HttpStatusCode.NoContent);
            File.Delete(log);
        }

        var differences = plain.Zip(audited, (without, with) => with - without);
        return (Stats.Median(differences), Stats.Median(plain), Stats.Median(audited));
    }

    /// <summary>GET <c>/v1/builtin/foo</c> (relative to the client's base address), drained; anything but 200 throws.</summary>
    internal static async ValueTask ReadAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("/v1/builtin/foo", cancellationToken);
        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /v1/builtin/foo answered {(int)response.StatusCode}");
        }
    }

    /// <summary>Awaits a request and throws, with the answer's body, unless it has <paramref name="status"/>.</summary>
    internal static async Task ExpectAsync(Task<HttpResponseMessage> sending, HttpStatusCode status)
    {
        using var response = await sending;
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
