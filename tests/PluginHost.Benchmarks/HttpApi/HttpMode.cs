using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;
using PluginHost.Http;

namespace PluginHost.Benchmarks.HttpApi;

/// <summary>
/// <c>http [--quick] [--json FILE]</c>: an external-plugin kv read over Vault's HTTP API on loopback, at 1 and 64
/// concurrent clients, beside two floors measured in the same run: the same read through <c>IPluginHost</c> without
/// HTTP, and a bare Kestrel endpoint answering a fixed body (the HTTP stack alone). Server and load client share the
/// machine's two CPUs, which bounds the 64-client figures; the floors pay the same.
/// </summary>
internal static class HttpMode
{
    /// <summary>The root token of the server <see cref="StartServerAsync"/> starts.</summary>
    internal const string RootToken = "bench-root";
    private const string Path = "mock/kv/foo";
    private const string BuiltinPath = "builtin/foo";
    private static readonly int[] Callers = [1, 64];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var jsonIndex = Array.IndexOf(args, "--json");
        var jsonPath = jsonIndex >= 0 && jsonIndex + 1 < args.Length ? System.IO.Path.GetFullPath(args[jsonIndex + 1]) : null;
        var warmup = TimeSpan.FromSeconds(quick ? 3 : 5);
        var window = TimeSpan.FromSeconds(quick ? 2 : 5);
        var repeats = quick ? 3 : 5;

        using var workspace = Workspace.Create();
        try
        {
            Progress("publishing samples/MockPlugin");
            var plugin = await MockPluginBinary.PrepareAsync(null, new Dictionary<string, string>(), workspace, CancellationToken.None);
            await using var app = await StartServerAsync(workspace);
            var host = app.Services.GetRequiredService<IPluginHost>();
            var bench = new BenchPlugin(host);
            await bench.MountAsync(plugin);
            var address = app.Urls.First();
            Progress($"serving {address}/v1/{Path} (my-mock-plugin, external process)");

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 128, UseProxy = false };
            using var http = new HttpClient(handler) { BaseAddress = new Uri(address) };
            http.DefaultRequestHeaders.Add("X-Vault-Token", RootToken);

            var paths = new (string Name, Func<CancellationToken, ValueTask> Call)[]
            {
                ("http_kv_read", async ct =>
                {
                    using var response = await http.GetAsync("/v1/" + Path, ct);
                    await response.Content.CopyToAsync(Stream.Null, ct);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw new InvalidOperationException($"GET /v1/{Path} answered {(int)response.StatusCode}");
                    }
                }),
                ("http_builtin_kv_read", async ct =>
                {
                    // The same HTTP layer over the in-process kv: what HTTP costs without the plugin's two round trips.
                    using var response = await http.GetAsync("/v1/" + BuiltinPath, ct);
                    await response.Content.CopyToAsync(Stream.Null, ct);
                }),
                ("floor_iplugin_host_kv_read", async ct => await host.ReadAsync(Path, ct)),
                ("floor_kestrel_fixed_body", async ct =>
                {
                    using var response = await http.GetAsync("/floor", ct);
                    await response.Content.CopyToAsync(Stream.Null, ct);
                }),
            };

            var results = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, call) in paths)
            {
                foreach (var callers in Callers)
                {
                    Progress($"{name}, {callers} client(s): {warmup.TotalSeconds:0} s warm-up, then {repeats} windows of {window.TotalSeconds:0} s");
                    await ClosedLoopLoad.WarmAsync(callers, warmup, call, CancellationToken.None);
                    var windows = new List<LoadResult>();
                    for (var i = 0; i < repeats; i++)
                    {
                        windows.Add(await ClosedLoopLoad.RunAsync(callers, window, call, CancellationToken.None));
                    }

                    results[$"{name}_rps_c{callers}"] = Math.Round(Stats.Median(windows.Select(w => w.RequestsPerSecond)), 0);
                    results[$"{name}_us_p50_c{callers}"] = Math.Round(Stats.Median(windows.Select(w => w.P50Us)), 1);
                    results[$"{name}_us_p99_c{callers}"] = Math.Round(Stats.Median(windows.Select(w => w.P99Us)), 1);
                    Progress(string.Create(CultureInfo.InvariantCulture,
                        $"  rps {results[$"{name}_rps_c{callers}"]:N0}, p50 {results[$"{name}_us_p50_c{callers}"]} µs, p99 {results[$"{name}_us_p99_c{callers}"]} µs"));
                }
            }

            Write(results, Console.Out);
            if (jsonPath is not null)
            {
                await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(results, Indented) + "\n");
                await Console.Out.WriteLineAsync($"\nwrote {jsonPath}");
            }

            return 0;
        }
        finally
        {
            workspace.KillLeftovers();
        }
    }

    /// <summary>Kestrel on a free loopback port serving <c>MapPluginHost()</c> over a host using <paramref name="workspace"/>'s directories, logging to the console when <paramref name="log"/>.</summary>
    internal static async Task<WebApplication> StartServerAsync(Workspace workspace, bool log = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (log)
        {
            // The host's own lines (plugin starts, stops, failures) with timestamps; ASP.NET Core's only when they warn.
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            }).SetMinimumLevel(LogLevel.Debug).AddFilter("Microsoft", LogLevel.Warning);
        }
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddPluginHost(o =>
        {
            o.PluginDirectory = workspace.PluginDirectory;
            o.PluginCacheDirectory = workspace.CacheDirectory;
        });
        builder.Services.AddPluginHostHttp(o => o.RootToken = RootToken);
        var app = builder.Build();
        app.MapPluginHost();

        // The HTTP stack's floor: the same server answers a fixed body of about the same size, with no host behind it.
        var body = """{"request_id":"00000000-0000-0000-0000-000000000000","lease_id":"","renewable":false,"lease_duration":0,"data":{"value":"bar"},"wrap_info":null,"warnings":null,"auth":null,"mount_type":"my-mock-plugin"}"""u8.ToArray();
        app.MapGet("/floor", (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.Body.WriteAsync(body).AsTask();
        });
        await app.StartAsync();
        return app;
    }

    private static void Write(Dictionary<string, double> results, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"PluginHost HTTP API, loopback, server and load client in one process on {Environment.ProcessorCount} CPUs");
        foreach (var callers in Callers)
        {
            output.WriteLine();
            output.WriteLine($"{callers} client(s)                          requests/s        p50 µs        p99 µs");
            foreach (var name in new[] { "http_kv_read", "http_builtin_kv_read", "floor_iplugin_host_kv_read", "floor_kestrel_fixed_body" })
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-30}{results[$"{name}_rps_c{callers}"],14:N0}{results[$"{name}_us_p50_c{callers}"],14:0.0}{results[$"{name}_us_p99_c{callers}"],14:0.0}"));
            }
        }
    }

    private static void Progress(string message) => Console.Error.WriteLine(message);

    /// <summary>Registers, mounts and seeds the mock plugin as <c>BenchHost</c> does for the e2e mode.</summary>
    private sealed class BenchPlugin(IPluginHost host)
    {
        public async Task MountAsync(MockPluginBinary plugin)
        {
            await host.Catalog.RegisterAsync(new PluginHost.Catalog.PluginRegistration
            {
                Type = BackendType.Secret,
                Name = plugin.Name,
                Command = plugin.Name,
                Sha256 = plugin.Sha256,
            });
            await host.Mounts.EnableAsync(new PluginHost.Mounts.MountRequest { Type = BackendType.Secret, Plugin = plugin.Name, Path = "mock" });
            await host.WriteAsync(Path, new { value = "bar" });
            await host.Mounts.EnableAsync(new PluginHost.Mounts.MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "builtin" });
            await host.WriteAsync(BuiltinPath, new { value = "bar" });
        }
    }
}
