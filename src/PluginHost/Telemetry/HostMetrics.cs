using System.Diagnostics.Metrics;

namespace PluginHost.Telemetry;

/// <summary>
/// The host's instruments on <see cref="PluginHostTelemetry.Meter"/>. Tags are bounded: mount paths, operations,
/// statuses and plugin names, never request paths or ids.
/// </summary>
internal static class HostMetrics
{
    // Seconds, from a quarter of a millisecond (a builtin read) to ten seconds (a plugin start, a slow database).
    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    /// <summary>Every routed request, by mount, operation and status (HTTP's: 200, 204, 403, …).</summary>
    public static Histogram<double> RequestDuration { get; } = PluginHostTelemetry.Meter.CreateHistogram(
        "pluginhost.request.duration", "s", "How long the host took to answer a request, by mount, operation and status.", advice: LatencyBuckets);

    /// <summary>Requests being served now.</summary>
    public static UpDownCounter<long> RequestsInFlight { get; } = PluginHostTelemetry.Meter.CreateUpDownCounter<long>(
        "pluginhost.requests.in_flight", "{request}", "Requests the host is serving now.");

    /// <summary>Plugin processes started, the first time or again.</summary>
    public static Counter<long> PluginStarts { get; } = PluginHostTelemetry.Meter.CreateCounter<long>(
        "pluginhost.plugin.starts", "{start}", "Plugin processes started, by plugin.");

    /// <summary>Plugin processes that ended without being asked to.</summary>
    public static Counter<long> PluginCrashes { get; } = PluginHostTelemetry.Meter.CreateCounter<long>(
        "pluginhost.plugin.crashes", "{crash}", "Plugin processes that exited or broke the protocol without being asked to, by plugin.");

    /// <summary>Plugin processes started again after one ended (a crash, a reload).</summary>
    public static Counter<long> PluginRestarts { get; } = PluginHostTelemetry.Meter.CreateCounter<long>(
        "pluginhost.plugin.restarts", "{restart}", "Plugin processes started again after an earlier one of the same mount ended, by plugin.");

    /// <summary>Storage calls, by operation and by who made them (the host, or a plugin through its callback).</summary>
    public static Histogram<double> StorageDuration { get; } = PluginHostTelemetry.Meter.CreateHistogram(
        "pluginhost.storage.duration", "s", "How long storage calls took, by operation and origin.", advice: LatencyBuckets);
}
