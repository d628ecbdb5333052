using System.Globalization;
using System.Text;

namespace PluginHost.Telemetry;

/// <summary>
/// The Prometheus text exposition format (0.0.4) of a snapshot, named as OpenTelemetry's exporter names them:
/// <c>pluginhost.request.duration</c> in seconds is <c>pluginhost_request_duration_seconds</c>, a counter gets <c>_total</c>.
/// </summary>
internal static class PrometheusText
{
    /// <summary>The content type of the text: Prometheus's, as Vault answers it.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The text of <paramref name="series"/>: each metric's HELP and TYPE once, then its samples.</summary>
    public static string Write(IReadOnlyList<MetricSeries> series)
    {
        var text = new StringBuilder();
        foreach (var metric in series.GroupBy(s => s.Name, StringComparer.Ordinal))
        {
            var first = metric.First();
            var name = NameOf(first);
            var type = first.Kind switch { MetricKind.Counter => "counter", MetricKind.Histogram => "histogram", _ => "gauge" };
            text.Append("# HELP ").Append(name).Append(' ').Append(first.Description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var s in metric)
            {
                if (s.Kind == MetricKind.Histogram)
                {
                    var buckets = s.Buckets();
                    for (var i = 0; i < s.Bounds.Count; i++)
                    {
                        Sample(text, name + "_bucket", s.LabelPairs, ("le", Number(s.Bounds[i])), buckets[i]);
                    }

                    Sample(text, name + "_bucket", s.LabelPairs, ("le", "+Inf"), s.Count);
                    Sample(text, name + "_sum", s.LabelPairs, null, s.Sum);
                    Sample(text, name + "_count", s.LabelPairs, null, s.Count);
                }
                else
                {
                    Sample(text, name, s.LabelPairs, null, s.Kind == MetricKind.Counter ? s.Sum : s.Value);
                }
            }
        }

        return text.ToString();
    }

    // OpenTelemetry's mapping: dots to underscores, the unit as a suffix (s → seconds; {…} annotations dropped), _total for counters.
    private static string NameOf(MetricSeries series)
    {
        var name = series.Name.Replace('.', '_');
        var unit = series.Unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            _ => "",
        };
        if (unit.Length > 0 && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }

        return series.Kind == MetricKind.Counter ? name + "_total" : name;
    }

    private static void Sample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, (string Name, string Value)? extra, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || extra is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, label) in labels)
            {
                Label(text, ref first, key, label);
            }

            if (extra is { } added)
            {
                Label(text, ref first, added.Name, added.Value);
            }

            text.Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static void Label(StringBuilder text, ref bool first, string name, string value)
    {
        if (!first)
        {
            text.Append(',');
        }

        first = false;
        text.Append(name.Replace('.', '_')).Append("=\"")
            .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
            .Append('"');
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture);
}
