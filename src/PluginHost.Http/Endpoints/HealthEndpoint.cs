using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PluginHost.Http.Responses;

namespace PluginHost.Http.Endpoints;

/// <summary>
/// <c>sys/health</c>, without a token, as Vault answers it for an initialized, unsealed, active node: GET writes the
/// status body, HEAD only the status. <c>?activecode=N</c> changes the status, as Vault's load-balancer checks use it.
/// </summary>
internal sealed class HealthEndpoint(IOptions<PluginHostHttpOptions> options, TimeProvider clock)
{
    private readonly string _clusterId = Guid.NewGuid().ToString();

    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        if (context.Request.Method is not ("GET" or "HEAD"))
        {
            await VaultResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status405MethodNotAllowed, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var status = StatusCodes.Status200OK;
        if (context.Request.Query.TryGetValue("activecode", out var code) && code.Count > 0)
        {
            if (!int.TryParse(code[^1], NumberStyles.None, CultureInfo.InvariantCulture, out status) || status is < 100 or > 599)
            {
                await VaultResponseWriter.WriteErrorAsync(
                    context.Response, StatusCodes.Status400BadRequest, $"activecode must be an HTTP status code, not '{code[^1]}'", cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        VaultResponseWriter.Prepare(context.Response, status);
        if (context.Request.Method == "HEAD")
        {
            return;
        }

        var settings = options.Value;
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("initialized", true);
            writer.WriteBoolean("sealed", false);
            writer.WriteBoolean("standby", false);
            writer.WriteBoolean("performance_standby", false);
            writer.WriteString("replication_performance_mode", "disabled");
            writer.WriteString("replication_dr_mode", "disabled");
            writer.WriteNumber("server_time_utc", clock.GetUtcNow().ToUnixTimeSeconds());
            writer.WriteString("version", settings.Version ?? DefaultVersion);
            writer.WriteBoolean("enterprise", false);
            writer.WriteString("cluster_name", settings.ClusterName);
            writer.WriteString("cluster_id", _clusterId);
            writer.WriteNumber("echo_duration_ms", 0);
            writer.WriteNumber("clock_skew_ms", 0);
            writer.WriteNumber("replication_primary_canary_age_ms", 0);
            writer.WriteEndObject();
        }

        await context.Response.BodyWriter.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private static string DefaultVersion { get; } =
        typeof(HealthEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
