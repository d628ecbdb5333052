namespace PluginHost.Benchmarks.E2e.Measurement;

/// <summary>How long and how often each path is measured. Full mode takes ~3 minutes, quick ~1.</summary>
/// <param name="Warmup">
/// Time (not a count) each measured path runs before sampling: a fresh .NET process (host and plugin alike) keeps
/// tiering code up for seconds, so a count-based warm-up of a few hundred calls still measures tier-0 code.
/// </param>
/// <param name="NewProcessWarmup">
/// Extra warm-up before the first measurement through a new plugin process: host and plugin tier up together, and
/// on this 2-CPU machine the external read takes ~5 s to settle (its p50 drops from ~200 µs to ~90 µs).
/// </param>
/// <param name="Round">The length of one sampling round of a latency measurement.</param>
/// <param name="Repeats">Rounds (latency) or windows (throughput); every figure is the median over them.</param>
/// <param name="ThroughputWindow">The length of one throughput window.</param>
/// <param name="ColdStarts">Fresh plugin processes timed for the cold start (after one untimed).</param>
/// <param name="Idle">How long a plugin sits idle before its RSS is read.</param>
/// <param name="Settle">Pause before reading memory, so background work (tiering, GC) settles.</param>
/// <param name="MountOverheadRepeats">Fresh hosts the 1 → 100 mounts measurement is repeated in.</param>
internal sealed record Budget(
    TimeSpan Warmup,
    TimeSpan NewProcessWarmup,
    TimeSpan Round,
    int Repeats,
    TimeSpan ThroughputWindow,
    int ColdStarts,
    TimeSpan Idle,
    TimeSpan Settle,
    int MountOverheadRepeats)
{
    public static Budget Full { get; } = new(
        Warmup: TimeSpan.FromSeconds(3),
        NewProcessWarmup: TimeSpan.FromSeconds(5),
        Round: TimeSpan.FromSeconds(1),
        Repeats: 7,
        ThroughputWindow: TimeSpan.FromSeconds(2),
        ColdStarts: 10,
        Idle: TimeSpan.FromSeconds(5),
        Settle: TimeSpan.FromSeconds(2),
        MountOverheadRepeats: 3);

    public static Budget Quick { get; } = new(
        Warmup: TimeSpan.FromSeconds(1),
        NewProcessWarmup: TimeSpan.FromSeconds(3),
        Round: TimeSpan.FromSeconds(0.3),
        Repeats: 5,
        ThroughputWindow: TimeSpan.FromSeconds(0.5),
        ColdStarts: 10,
        Idle: TimeSpan.FromSeconds(2),
        Settle: TimeSpan.FromSeconds(1),
        MountOverheadRepeats: 1);
}
