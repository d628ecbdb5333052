using System.Diagnostics;

namespace PluginHost.Telemetry;

/// <summary>One routed request's duration, status and in-flight count, recorded on <see cref="HostMetrics"/> and on its span.</summary>
internal struct RequestMeasurement
{
    private readonly long _started;
    private readonly Operation _operation;
    private readonly Activity? _span;
    private int _status;

    private RequestMeasurement(Operation operation, Activity? span)
    {
        _started = Stopwatch.GetTimestamp();
        _operation = operation;
        _span = span;
        _status = 500;
    }

    /// <summary>Counts the request in flight and starts its clock.</summary>
    public static RequestMeasurement Start(Operation operation, Activity? span)
    {
        HostMetrics.RequestsInFlight.Add(1);
        span?.SetTag("pluginhost.operation", OperationName(operation));
        return new RequestMeasurement(operation, span);
    }

    /// <summary>The status of an answer, as HTTP gives it: the backend's own, 200 with data, else 404 for a read or list and 204 for the rest.</summary>
    /// <param name="response">The backend's answer, or <see langword="null"/> for none.</param>
    /// <param name="issuedToken">Whether the answer issued a token (a login: 200 even without data).</param>
    public void Succeeded(BackendResponse? response, bool issuedToken) =>
        _status = response?.StatusCode ?? (response is not null || issuedToken ? 200 : _operation is Operation.Read or Operation.List ? 404 : 204);

    /// <summary>The status of a failure: the error's (403, 404, 503, …), 499 when the caller gave up, else 500.</summary>
    public void Failed(Exception error)
    {
        _status = error switch
        {
            PluginHostException known => known.StatusCode,
            OperationCanceledException => 499,
            _ => 500,
        };
        _span?.SetStatus(ActivityStatusCode.Error, error.Message);
    }

    /// <summary>Records the request under <paramref name="mount"/> and takes it out of flight.</summary>
    public readonly void Stop(string mount)
    {
        HostMetrics.RequestsInFlight.Add(-1);
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        HostMetrics.RequestDuration.Record(
            seconds,
            new KeyValuePair<string, object?>("mount", mount),
            new KeyValuePair<string, object?>("operation", OperationName(_operation)),
            new KeyValuePair<string, object?>("status", _status));
        if (_span is { IsAllDataRequested: true } span)
        {
            span.SetTag("pluginhost.mount", mount);
            span.SetTag("pluginhost.status", _status);
        }
    }

    private static string OperationName(Operation operation) => operation switch
    {
        Operation.Create => "create",
        Operation.Read => "read",
        Operation.Update => "update",
        Operation.Delete => "delete",
        Operation.List => "list",
        Operation.Help => "help",
        Operation.Renew => "renew",
        Operation.Revoke => "revoke",
        Operation.Patch => "patch",
        _ => "unknown",
    };
}
