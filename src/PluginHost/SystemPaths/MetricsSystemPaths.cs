using System.Text;
using System.Text.RegularExpressions;
using PluginHost.Sdk;
using PluginHost.Telemetry;

namespace PluginHost.SystemPaths;

/// <summary>
/// Vault's <c>sys/metrics</c>: the <c>PluginHost</c> meter's figures as go-metrics JSON, or with
/// <c>?format=prometheus</c> as Prometheus text. The answer is raw (not Vault's envelope), as Vault's: its body,
/// content type and status travel in the data keys Vault uses for raw answers, which the HTTP layer writes as they are.
/// </summary>
internal sealed partial class MetricsSystemPaths(HostMetricsCollector collector, TimeProvider time)
{
    /// <summary>The data key holding a raw answer's body.</summary>
    public const string RawBodyKey = "http_raw_body";

    /// <summary>The data key holding a raw answer's content type.</summary>
    public const string ContentTypeKey = "http_content_type";

    /// <summary>The data key holding a raw answer's status.</summary>
    public const string StatusCodeKey = "http_status_code";

    /// <summary>The routes, relative to <c>sys/</c>.</summary>
    public IEnumerable<PathRoute> Routes =>
    [
        new PathRoute
        {
            Pattern = MetricsPattern(),
            Fields = SystemFields.Of("format"),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = ReadAsync },
            Synopsis = "The host's metrics since it started: go-metrics JSON, or Prometheus text with format=prometheus.",
        },
    ];

    private ValueTask<BackendResponse?> ReadAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var format = fields.GetString("format");
        var series = collector.Snapshot();
        var (contentType, body) = format switch
        {
            "" => ("application/json", Encoding.UTF8.GetString(GoMetricsJson.Write(series, collector.Seconds, time.GetUtcNow()))),
            "prometheus" => (PrometheusText.ContentType, PrometheusText.Write(series)),
            _ => throw new PluginHostException(ErrorCode.BadRequest, $"metric response format \"{format}\" unknown; give format=prometheus, or none for JSON"),
        };
        return ValueTask.FromResult<BackendResponse?>(BackendResponse.WithData(
        [
            new(StatusCodeKey, 200),
            new(ContentTypeKey, contentType),
            new(RawBodyKey, body),
        ]));
    }

    [GeneratedRegex("^metrics$", RegexOptions.CultureInvariant)]
    private static partial Regex MetricsPattern();
}
