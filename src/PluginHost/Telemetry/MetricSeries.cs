using System.Diagnostics.Metrics;
using System.Globalization;

namespace PluginHost.Telemetry;

/// <summary>What a series is, as Prometheus and go-metrics tell them apart.</summary>
internal enum MetricKind
{
    /// <summary>Only goes up: a total.</summary>
    Counter,

    /// <summary>A level read now (an observable gauge) or kept as a running sum (an up-down counter).</summary>
    Gauge,

    /// <summary>A distribution: count, sum, extremes, buckets.</summary>
    Histogram,
}

/// <summary>One instrument with one set of labels, aggregated since the collector started.</summary>
internal sealed class MetricSeries
{
    private readonly Lock _gate = new();
    private readonly long[] _buckets;

    // An up-down counter reports deltas, so its level is their sum; an observable gauge reports levels.
    private readonly bool _sumsDeltas;

    private MetricSeries(string name, string unit, string description, MetricKind kind, bool sumsDeltas, bool observed, IReadOnlyList<KeyValuePair<string, string>> labels, IReadOnlyList<double> bounds)
    {
        _sumsDeltas = sumsDeltas;
        IsObserved = observed;
        Name = name;
        Unit = unit;
        Description = description;
        Kind = kind;
        LabelPairs = labels;
        LabelText = LabelTextOf(labels);
        Bounds = bounds;
        _buckets = new long[bounds.Count];
    }

    /// <summary>The instrument's name (<c>pluginhost.request.duration</c>).</summary>
    public string Name { get; }

    /// <summary>The instrument's unit (<c>s</c>, <c>{request}</c>).</summary>
    public string Unit { get; }

    /// <summary>What the instrument measures.</summary>
    public string Description { get; }

    /// <summary>Counter, gauge or histogram.</summary>
    public MetricKind Kind { get; }

    /// <summary>Whether the series is read when asked (an observable instrument's) rather than recorded as it happens.</summary>
    public bool IsObserved { get; }

    /// <summary>The labels, sorted by name.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> LabelPairs { get; }

    /// <summary>The labels as one text, for sorting and identity.</summary>
    public string LabelText { get; }

    /// <summary>A histogram's bucket upper bounds.</summary>
    public IReadOnlyList<double> Bounds { get; }

    /// <summary>How many measurements there were.</summary>
    public long Count { get; private set; }

    /// <summary>Their sum (a gauge's: its level).</summary>
    public double Sum { get; private set; }

    /// <summary>The smallest measurement.</summary>
    public double Min { get; private set; } = double.PositiveInfinity;

    /// <summary>The largest measurement.</summary>
    public double Max { get; private set; } = double.NegativeInfinity;

    /// <summary>The sum of the squares, for the standard deviation.</summary>
    public double SumOfSquares { get; private set; }

    /// <summary>A gauge's last reading, or an up-down counter's level.</summary>
    public double Value { get; private set; }

    /// <summary>Creates the series of <paramref name="instrument"/> with <paramref name="labels"/>.</summary>
    public static MetricSeries For(Instrument instrument, IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        var kind = instrument switch
        {
            Histogram<double> or Histogram<long> or Histogram<int> => MetricKind.Histogram,
            Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> => MetricKind.Counter,
            _ => MetricKind.Gauge,
        };
        var bounds = instrument is Histogram<double> { Advice.HistogramBucketBoundaries: { } advised } ? advised : (IReadOnlyList<double>)[];
        var sumsDeltas = instrument is UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double>;
        return new MetricSeries(instrument.Name, instrument.Unit ?? "", instrument.Description ?? "", kind, sumsDeltas, instrument.IsObservable, labels, bounds);
    }

    /// <summary>The labels of a measurement, sorted, as text.</summary>
    public static List<KeyValuePair<string, string>> Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var (key, value) in tags)
        {
            labels.Add(new(key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
        }

        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return labels;
    }

    /// <summary>The identity text of sorted labels.</summary>
    public static string LabelTextOf(IReadOnlyList<KeyValuePair<string, string>> labels) =>
        string.Join('\u001f', labels.Select(l => l.Key + "=" + l.Value));

    /// <summary>Adds one measurement.</summary>
    public void Add(double value)
    {
        lock (_gate)
        {
            Count++;
            Sum += value;
            SumOfSquares += value * value;
            Min = Math.Min(Min, value);
            Max = Math.Max(Max, value);
            Value = _sumsDeltas ? Sum : value;
            for (var i = 0; i < Bounds.Count; i++)
            {
                if (value <= Bounds[i])
                {
                    _buckets[i]++;
                }
            }
        }
    }

    /// <summary>A histogram's cumulative bucket counts, one per bound.</summary>
    public long[] Buckets()
    {
        lock (_gate)
        {
            return (long[])_buckets.Clone();
        }
    }
}
