using System.Globalization;
using System.Text.Json;

namespace PluginHost.Telemetry;

/// <summary>
/// Vault's <c>sys/metrics</c> JSON (go-metrics' <c>MetricsSummary</c>): <c>Timestamp</c>, <c>Gauges</c>
/// (<c>Name</c>, <c>Value</c>, <c>Labels</c>), <c>Points</c>, <c>Counters</c> and <c>Samples</c> (<c>Name</c>,
/// <c>Count</c>, <c>Rate</c>, <c>Sum</c>, <c>Min</c>, <c>Max</c>, <c>Mean</c>, <c>Stddev</c>, <c>Labels</c>). Unlike
/// go-metrics' ten-second intervals, the figures cover the time since the host started; <c>Rate</c> is per second over it.
/// </summary>
internal static class GoMetricsJson
{
    /// <summary>The JSON of <paramref name="series"/>, covering <paramref name="seconds"/> up to <paramref name="now"/>.</summary>
    public static byte[] Write(IReadOnlyList<MetricSeries> series, double seconds, DateTimeOffset now)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();

            // Go's time.Time.String of a UTC time: 2024-01-02 03:04:05 +0000 UTC.
            writer.WriteString("Timestamp", now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss '+0000 UTC'", CultureInfo.InvariantCulture));
            writer.WriteStartArray("Gauges");
            foreach (var gauge in series.Where(s => s.Kind == MetricKind.Gauge))
            {
                writer.WriteStartObject();
                writer.WriteString("Name", gauge.Name);
                writer.WriteNumber("Value", gauge.Value);
                Labels(writer, gauge);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("Points");
            writer.WriteEndArray();
            Sampled(writer, "Counters", series.Where(s => s.Kind == MetricKind.Counter), seconds);
            Sampled(writer, "Samples", series.Where(s => s.Kind == MetricKind.Histogram), seconds);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Sampled(Utf8JsonWriter writer, string name, IEnumerable<MetricSeries> series, double seconds)
    {
        writer.WriteStartArray(name);
        foreach (var s in series)
        {
            var mean = s.Count == 0 ? 0 : s.Sum / s.Count;
            var variance = s.Count < 2 ? 0 : Math.Max(0, (s.SumOfSquares - (s.Sum * s.Sum / s.Count)) / (s.Count - 1));
            writer.WriteStartObject();
            writer.WriteString("Name", s.Name);
            writer.WriteNumber("Count", s.Count);
            writer.WriteNumber("Rate", s.Sum / seconds);
            writer.WriteNumber("Sum", s.Sum);
            writer.WriteNumber("Min", s.Count == 0 ? 0 : s.Min);
            writer.WriteNumber("Max", s.Count == 0 ? 0 : s.Max);
            writer.WriteNumber("Mean", mean);
            writer.WriteNumber("Stddev", Math.Sqrt(variance));
            Labels(writer, s);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void Labels(Utf8JsonWriter writer, MetricSeries series)
    {
        writer.WriteStartObject("Labels");
        foreach (var (key, value) in series.LabelPairs)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }
}
