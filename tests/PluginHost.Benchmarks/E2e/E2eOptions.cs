namespace PluginHost.Benchmarks.E2e;

/// <summary>The e2e mode's arguments: <c>[--quick] [--json FILE] [--plugin PATH] [--plugin-env NAME=VALUE]… [--verbose] [--anchor PATH | --no-anchor] [--no-aot] [--no-limits] [--only barrier|database]</c>.</summary>
/// <param name="Quick"><c>--quick</c>: fewer repetitions, for a check rather than figures.</param>
/// <param name="JsonPath"><c>--json FILE</c>: also write the figures to FILE as JSON.</param>
/// <param name="PluginPath"><c>--plugin PATH</c>: measure this published plugin instead of publishing the mock plugin.</param>
/// <param name="PluginEnv">
/// Set in every plugin process through its catalog entry, for experiments such as
/// <c>DOTNET_TieredPGO=0</c>; the host passes plugins nothing else of its own environment.
/// </param>
/// <param name="AnchorPath">The go-plugin anchor's run.sh (<c>--anchor PATH</c>); null: <c>&lt;repo&gt;/../shared/anchors/go-plugin/run.sh</c>.</param>
/// <param name="NoAnchor"><c>--no-anchor</c>: do not run the go-plugin anchor.</param>
/// <param name="NoAot"><c>--no-aot</c>: do not publish and measure the NativeAOT build of the mock plugin.</param>
/// <param name="Verbose"><c>--verbose</c>: say what each step does.</param>
/// <param name="NoLimits"><c>--no-limits</c>: run plugins without the per-plugin resource limits (<c>BenchLimits</c>) the run sets otherwise.</param>
/// <param name="Only">
/// <c>--only barrier</c>: measure only the barrier's figures (after publishing the mock plugin); <c>--only database</c>:
/// only the database credentials' (a PostgreSQL cluster and the published PostgreSQL plugin, not the mock plugin);
/// <c>--only tracing</c>: only what tracing costs the external kv read.
/// </param>
internal sealed record E2eOptions(
    bool Quick, string? JsonPath, string? PluginPath, IReadOnlyDictionary<string, string> PluginEnv, bool Verbose, string? AnchorPath = null, bool NoAnchor = false, bool NoAot = false, bool NoLimits = false, string? Only = null)
{
    public static E2eOptions Parse(IReadOnlyList<string> args)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var options = new E2eOptions(false, null, null, env, false);
        for (var i = 0; i < args.Count; i++)
        {
            options = args[i] switch
            {
                "--quick" => options with { Quick = true },
                "--verbose" => options with { Verbose = true },
                "--json" => options with { JsonPath = Path.GetFullPath(Value(args, ref i)) },
                "--plugin" => options with { PluginPath = Path.GetFullPath(Value(args, ref i)) },
                "--anchor" => options with { AnchorPath = Path.GetFullPath(Value(args, ref i)) },
                "--no-anchor" => options with { NoAnchor = true },
                "--no-aot" => options with { NoAot = true },
                "--no-limits" => options with { NoLimits = true },
                "--only" => Value(args, ref i) is ("barrier" or "database" or "tracing") and var only ? options with { Only = only } : throw new ArgumentException("--only takes 'barrier', 'database' or 'tracing'"),
                "--plugin-env" => AddEnv(options, env, Value(args, ref i)),
                var other => throw new ArgumentException($"unknown e2e option '{other}'"),
            };
        }

        return options;
    }

    private static E2eOptions AddEnv(E2eOptions options, Dictionary<string, string> env, string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"--plugin-env takes NAME=VALUE, not '{assignment}'");
        }

        env[assignment[..equals]] = assignment[(equals + 1)..];
        return options;
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");
}
