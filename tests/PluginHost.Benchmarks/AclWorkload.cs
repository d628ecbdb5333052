using System.Diagnostics;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Policies;
using PluginHost.Testing;

namespace PluginHost.Benchmarks;

/// <summary>One ACL request check to time: the path, the operation and the answer it must get.</summary>
internal readonly record struct AclCheck(string Name, string Path, Operation Operation, bool Allowed);

/// <summary>
/// The ACL of <c>acl_check_ns_p50</c> and of <c>AclCheckBenchmarks</c>: one token holding 100 policies of 50 rules
/// each (5,000 rules). Each policy <c>team-N</c> has a realistic mix: 30 exact paths (<c>team-N/app-i/config</c>,
/// read and update), 12 prefix globs (<c>team-N/kv/data/app-i/*</c>, read and list), 6 <c>+</c> rules
/// (<c>team-N/+/creds/role-i</c>, read) and 2 denials under the globs (<c>team-N/kv/data/app-i/admin</c>).
/// </summary>
internal static class AclWorkload
{
    public const int PolicyCount = 100;
    public const int RulesPerPolicy = 50;

    /// <summary>The checks timed: an allowed exact path, one allowed by a prefix, one by a <c>+</c> rule, a denied one and one no rule matches.</summary>
    public static IReadOnlyList<AclCheck> Checks { get; } =
    [
        new("allowed exact", "team-57/app-12/config", Operation.Update, true),
        new("allowed via prefix", "team-57/kv/data/app-7/db/password", Operation.Read, true),
        new("allowed via +", "team-57/postgres/creds/role-3", Operation.Read, true),
        new("denied", "team-57/kv/data/app-1/admin", Operation.Read, false),
        new("no match", "team-57/unknown/path/entirely", Operation.Read, false),
    ];

    /// <summary>Builds the ACL (parsing every policy).</summary>
    public static Acl Create() => Acl.Create(Enumerable.Range(0, PolicyCount).Select(LargeAclPolicies.Team));

    /// <summary>
    /// The median time of one <see cref="Acl.AllowsOperation"/> over <see cref="Checks"/> (cycled), in nanoseconds:
    /// see <see cref="MeasureCheck"/>.
    /// </summary>
    public static double MeasureCheckNsP50(TimeSpan warmup, int rounds) => MeasureCheck(warmup, rounds).NsP50;

    /// <summary>
    /// Times <see cref="Acl.AllowsOperation"/> with a Stopwatch in batches of <paramref name="batch"/> checks cycling
    /// through <see cref="Checks"/>, after <paramref name="warmup"/> of the same; returns the median over
    /// <paramref name="rounds"/> of the mean per check, and the bytes allocated per check over all rounds.
    /// </summary>
    public static (double NsP50, double AllocatedBytesPerCheck) MeasureCheck(TimeSpan warmup, int rounds, int batch = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var acl = Create();
        var checks = Checks.ToArray();
        var warmupEnd = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        do
        {
            Batch(acl, checks, batch);
        }
        while (Stopwatch.GetTimestamp() < warmupEnd);

        var perCheck = new List<double>(rounds);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < rounds; round++)
        {
            var start = Stopwatch.GetTimestamp();
            Batch(acl, checks, batch);
            perCheck.Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / batch);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return (Stats.Median(perCheck), (double)allocated / ((long)rounds * batch));
    }

    private static void Batch(Acl acl, AclCheck[] checks, int count)
    {
        var next = 0;
        for (var i = 0; i < count; i++)
        {
            var check = checks[next];
            if (acl.AllowsOperation(check.Path, check.Operation, isRootPath: false) != check.Allowed)
            {
                throw new InvalidOperationException($"ACL check '{check.Name}' got the wrong answer");
            }

            next = next + 1 == checks.Length ? 0 : next + 1;
        }
    }
}
