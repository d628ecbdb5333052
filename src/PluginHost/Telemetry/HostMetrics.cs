using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PluginHost.Telemetry;

/// <summary>
/// The host's instruments on <see cref="PluginHostTelemetry.Meter"/>. Tags are bounded: mount paths, operations,
/// statuses and plugin names, never request paths or ids.
/// </summary>
internal static class HostMetrics
{
    // What the observable gauges read, registered by each host's mount table and plugin process pool (a process may
    // run several hosts: tests do) and removed when it stops.
    private static readonly ConcurrentDictionary<object, Func<IEnumerable<Measurement<long>>>> Breakers = new();
    private static readonly ConcurrentDictionary<object, Func<IEnumerable<Measurement<long>>>> Queues = new();

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

    /// <summary>Mount storage calls (a builtin's, or a plugin's storage callback), by operation.</summary>
    public static Histogram<double> StorageDuration { get; } = PluginHostTelemetry.Meter.CreateHistogram(
        "pluginhost.storage.duration", "s", "How long mount storage calls took (builtins' and plugins' callbacks), by operation.", advice: LatencyBuckets);

    /// <summary>1 while a mount's starts are refused after failures in a row (the circuit is open), else 0.</summary>
    public static ObservableGauge<long> CircuitBreakerState { get; } = PluginHostTelemetry.Meter.CreateObservableGauge(
        "pluginhost.plugin.circuit_breaker.state", () => Breakers.Values.SelectMany(read => read()), "{state}",
        "1 while a mount's plugin starts are refused after failures in a row (the circuit is open), else 0; by mount and plugin.");

    /// <summary>Requests waiting for one of a plugin process's request slots.</summary>
    public static ObservableGauge<long> QueuedRequests { get; } = PluginHostTelemetry.Meter.CreateObservableGauge(
        "pluginhost.plugin.queued_requests", () => Queues.Values.SelectMany(read => read()), "{request}",
        "Requests waiting for a free request slot of a plugin process (PluginHostOptions' MaxConcurrentRequests), by plugin.");

    /// <summary>Adds what <see cref="CircuitBreakerState"/> reports for one mount table; dispose to remove it.</summary>
    public static IDisposable ObserveCircuitBreakers(Func<IEnumerable<Measurement<long>>> read) => Register(Breakers, read);

    /// <summary>Adds what <see cref="QueuedRequests"/> reports for one process pool; dispose to remove it.</summary>
    public static IDisposable ObserveQueues(Func<IEnumerable<Measurement<long>>> read) => Register(Queues, read);

    private static Registration Register(ConcurrentDictionary<object, Func<IEnumerable<Measurement<long>>>> sources, Func<IEnumerable<Measurement<long>>> read)
    {
        var registration = new Registration(sources);
        sources[registration] = read;
        return registration;
    }

    private sealed class Registration(ConcurrentDictionary<object, Func<IEnumerable<Measurement<long>>>> sources) : IDisposable
    {
        public void Dispose() => sources.TryRemove(this, out _);
    }
}
