using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PluginHost;

/// <summary>
/// PluginHost's telemetry: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <see cref="Name"/>,
/// used by the host and by plugins built on the SDK. Listen to them as to any .NET source (OpenTelemetry's
/// <c>AddSource("PluginHost")</c> and <c>AddMeter("PluginHost")</c>); with no listener they cost next to nothing.
/// </summary>
/// <remarks>
/// A trace crosses the plugin boundary: the host sends the W3C trace context (<c>traceparent</c>, <c>tracestate</c>)
/// with every JSON-RPC request to a plugin, the plugin's server span continues it, and the plugin's storage calls
/// carry it back, so one trace shows the HTTP request, the routing, the backend call, the plugin and its storage.
/// </remarks>
public static class PluginHostTelemetry
{
    /// <summary>The name of the activity source and of the meter: <c>PluginHost</c>.</summary>
    public const string Name = "PluginHost";

    private static volatile bool s_tracingEnabled = true;

    /// <summary>The source of every PluginHost span.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(PluginHostTelemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>The meter of every PluginHost instrument.</summary>
    public static Meter Meter { get; } = new(Name, typeof(PluginHostTelemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>
    /// Whether PluginHost starts spans and sends the trace context to plugins (the default). Off, no span is started
    /// and no <c>traceparent</c> is sent, whatever listens: for measuring what tracing costs, or to keep trace ids from plugins.
    /// </summary>
    public static bool TracingEnabled
    {
        get => s_tracingEnabled;
        set => s_tracingEnabled = value;
    }

    /// <summary>Starts a span on <see cref="ActivitySource"/> under the current one, or returns <see langword="null"/> when tracing is off or nobody listens.</summary>
    /// <param name="name">The span's name.</param>
    /// <param name="kind">The span's kind.</param>
    /// <returns>The started span, to dispose when the work ends; or <see langword="null"/>.</returns>
    public static Activity? StartActivity(string name, ActivityKind kind = ActivityKind.Internal) =>
        s_tracingEnabled ? ActivitySource.StartActivity(name, kind) : null;
}
