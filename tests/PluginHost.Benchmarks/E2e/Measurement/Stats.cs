namespace PluginHost.Benchmarks.E2e.Measurement;

/// <summary>Percentiles by linear interpolation between closest ranks (the same definition as numpy's default).</summary>
internal static class Stats
{
    /// <summary>The <paramref name="percentile"/>th percentile (0–100) of values already sorted ascending.</summary>
    public static double PercentileOfSorted(ReadOnlySpan<double> sorted, double percentile)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("no samples", nameof(sorted));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var rank = percentile / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (rank - lower));
    }

    /// <summary>The <paramref name="percentile"/>th percentile of <paramref name="values"/>, in any order.</summary>
    public static double Percentile(IEnumerable<double> values, double percentile)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return PercentileOfSorted(sorted, percentile);
    }

    public static double Median(IEnumerable<double> values) => Percentile(values, 50);
}
