using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PluginHost.Telemetry;

/// <summary>
/// Keeps what the <c>PluginHost</c> meter reported since it was created, for <c>sys/metrics</c>: each counter's total,
/// each histogram's count, sum, extremes and cumulative buckets, and the gauges read when asked. Process-wide, as the
/// meter is: hosts sharing a process share their figures.
/// </summary>
internal sealed class HostMetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<SeriesKey, MetricSeries> _series = new();
    private readonly Lock _observing = new();
    private readonly TimeProvider _time;

    /// <summary>Starts listening to every instrument of <see cref="PluginHostTelemetry.Meter"/>.</summary>
    public HostMetricsCollector(TimeProvider time)
    {
        _time = time;
        Started = time.GetUtcNow();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, PluginHostTelemetry.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>When the collector started: the start of every cumulative figure.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>Reads the gauges now and returns every series, sorted by name then labels.</summary>
    public IReadOnlyList<MetricSeries> Snapshot()
    {
        lock (_observing)
        {
            // An observed gauge's series hold its last reading: clear them so a mount or plugin that is gone is not reported.
            foreach (var gauge in _series.Where(s => s.Value.IsObserved).Select(s => s.Key).ToList())
            {
                _series.TryRemove(gauge, out _);
            }

            _listener.RecordObservableInstruments();
            return _series.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.LabelText, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The seconds the figures cover.</summary>
    public double Seconds => Math.Max((_time.GetUtcNow() - Started).TotalSeconds, 1e-3);

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    // On every request's path: the series is found by a struct key of the tags as given (each instrument is always
    // recorded with its tags in one order), so a known series costs no allocation; labels are built once, for a new one.
    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = SeriesKey.Of(instrument, tags);
        if (!_series.TryGetValue(key, out var series))
        {
            series = _series.GetOrAdd(key, MetricSeries.For(instrument, MetricSeries.Labels(tags)));
        }

        series.Add(value);
    }

    private readonly record struct SeriesKey(
        Instrument Instrument, int Count, string? Key0, object? Value0, string? Key1, object? Value1, string? Key2, object? Value2, string? More)
    {
        public static SeriesKey Of(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags) => new(
            instrument,
            tags.Length,
            tags.Length > 0 ? tags[0].Key : null,
            tags.Length > 0 ? tags[0].Value : null,
            tags.Length > 1 ? tags[1].Key : null,
            tags.Length > 1 ? tags[1].Value : null,
            tags.Length > 2 ? tags[2].Key : null,
            tags.Length > 2 ? tags[2].Value : null,
            tags.Length > 3 ? MetricSeries.LabelTextOf(MetricSeries.Labels(tags)) : null);
    }
}
