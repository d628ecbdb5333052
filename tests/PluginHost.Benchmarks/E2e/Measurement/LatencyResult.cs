namespace PluginHost.Benchmarks.E2e.Measurement;

/// <summary>A latency measurement: the medians over rounds of each round's p50, p99 and mean, in microseconds.</summary>
internal sealed record LatencyResult(double P50Us, double P99Us, double MeanUs, IReadOnlyList<double> RoundP50sUs, long Calls)
{
    public double P50Ns => P50Us * 1000;
}
