using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PluginHost.HighAvailability;
using PluginHost.Hosting;
using PluginHost.Http.Responses;

namespace PluginHost.Http.Endpoints;

/// <summary>
/// <c>sys/health</c>, without a token, as Vault answers it: 200 when initialized, unsealed and active (a single node
/// always is), 429 on an unsealed standby of hosts sharing HA storage (200 with <c>?standbyok=true</c>), 503 when
/// sealed, 501 when not initialized; GET writes the status body, HEAD only the status. <c>?activecode=N</c>,
/// <c>standbycode</c>, <c>sealedcode</c>, <c>uninitcode</c> (and Vault's other codes) change the status, as
/// load-balancer checks use them.
/// </summary>
internal sealed class HealthEndpoint(IPluginHost host, IHaNode node, IOptions<PluginHostHttpOptions> options, TimeProvider clock)
{
    private static readonly string[] CodeParameters =
        ["activecode", "standbycode", "sealedcode", "uninitcode", "drsecondarycode", "performancestandbycode", "removedcode", "haunhealthycode"];

    private readonly string _clusterId = Guid.NewGuid().ToString();

    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        if (context.Request.Method is not ("GET" or "HEAD"))
        {
            await VaultResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status405MethodNotAllowed, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var parameter in CodeParameters)
        {
            if (context.Request.Query.TryGetValue(parameter, out var code) && code.Count > 0)
            {
                if (!int.TryParse(code[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 100 or > 599)
                {
                    await VaultResponseWriter.WriteErrorAsync(
                        context.Response, StatusCodes.Status400BadRequest, $"{parameter} must be an HTTP status code, not '{code[^1]}'", cancellationToken).ConfigureAwait(false);
                    return;
                }

                codes[parameter] = value;
            }
        }

        var standbyOk = false;
        if (context.Request.Query.TryGetValue("standbyok", out var standbyOkText) && standbyOkText.Count > 0
            && !TryParseBool(standbyOkText[^1], out standbyOk))
        {
            await VaultResponseWriter.WriteErrorAsync(
                context.Response, StatusCodes.Status400BadRequest, $"standbyok must be true or false, not '{standbyOkText[^1]}'", cancellationToken).ConfigureAwait(false);
            return;
        }

        var seal = (await host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "sys/seal-status" }, cancellationToken).ConfigureAwait(false))?.Data;
        var initialized = seal?["initialized"].GetBoolean() ?? true;
        var sealedHost = seal?["sealed"].GetBoolean() ?? false;
        var standby = !sealedHost && node.State == HaNodeState.Standby;
        var status = (initialized, sealedHost, standby) switch
        {
            (false, _, _) => codes.GetValueOrDefault("uninitcode", StatusCodes.Status501NotImplemented),
            (_, true, _) => codes.GetValueOrDefault("sealedcode", StatusCodes.Status503ServiceUnavailable),
            (_, _, true) when !standbyOk => codes.GetValueOrDefault("standbycode", StatusCodes.Status429TooManyRequests),
            _ => codes.GetValueOrDefault("activecode", StatusCodes.Status200OK),
        };

        VaultResponseWriter.Prepare(context.Response, status);
        if (context.Request.Method == "HEAD")
        {
            return;
        }

        var settings = options.Value;
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("initialized", initialized);
            writer.WriteBoolean("sealed", sealedHost);

            // Vault calls a sealed node a standby too: it is not the one serving.
            writer.WriteBoolean("standby", sealedHost || standby);
            writer.WriteBoolean("performance_standby", false);
            writer.WriteString("replication_performance_mode", "disabled");
            writer.WriteString("replication_dr_mode", "disabled");
            writer.WriteNumber("server_time_utc", clock.GetUtcNow().ToUnixTimeSeconds());
            writer.WriteString("version", settings.Version ?? DefaultVersion);
            writer.WriteBoolean("enterprise", false);
            if (!sealedHost)
            {
                writer.WriteString("cluster_name", settings.ClusterName);
                writer.WriteString("cluster_id", _clusterId);
            }

            writer.WriteNumber("echo_duration_ms", 0);
            writer.WriteNumber("clock_skew_ms", 0);
            writer.WriteNumber("replication_primary_canary_age_ms", 0);
            writer.WriteEndObject();
        }

        await context.Response.BodyWriter.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    // Go's strconv.ParseBool, which Vault parses the flag with.
    private static bool TryParseBool(string? text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static string DefaultVersion { get; } =
        typeof(HealthEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
