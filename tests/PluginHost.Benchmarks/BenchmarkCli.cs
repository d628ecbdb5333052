using PluginHost.Benchmarks.E2e;
using PluginHost.Benchmarks.Micro;

namespace PluginHost.Benchmarks;

/// <summary>Picks the mode from the first argument and hands it the rest.</summary>
internal static class BenchmarkCli
{
    public const string Usage = """
        usage:
          dotnet run -c Release --project tests/PluginHost.Benchmarks -- micro [BenchmarkDotNet options, e.g. --filter '*RouteLookup*']
          dotnet run -c Release --project tests/PluginHost.Benchmarks -- e2e [--quick] [--json FILE] [--plugin PATH] [--plugin-env NAME=VALUE]… [--verbose]
                [--anchor PATH | --no-anchor] [--no-aot] [--no-limits] [--only barrier|database]
          dotnet run -c Release --project tests/PluginHost.Benchmarks -- http [--quick] [--json FILE]
          dotnet run -c Release --project tests/PluginHost.Benchmarks -- soak [--requests N] [--kill-every M] [--clients C] [--min-kill-interval S] [--rps R] [--json FILE] [--log]
          dotnet run -c Release --project tests/PluginHost.Benchmarks -- fuzz [--requests N] [--seed S] [--cli N] [--cli-seed S] [--first I] [--health-every K]
                [--rss-every M] [--heap-every M] [--idle SECONDS] [--server-env NAME=VALUE]… [--published DIR] [--json FILE] [--trace FILE]

          micro   BenchmarkDotNet micro benchmarks (route lookup, builtin kv read, serialization, SHA-256); `micro --help` lists BenchmarkDotNet's options
          e2e     end-to-end harness: transport floors, builtin and external plugin reads, throughput, cold start, memory,
                  the same for the NativeAOT build of the mock plugin, then the go-plugin anchor
                  (../shared/anchors/go-plugin/run.sh) when it exists; database credentials against CREATE ROLE over
                  Npgsql when PostgreSQL is installed. --only barrier|database measures just those figures
          http    an external-plugin kv read over Vault's HTTP API on loopback at 1 and 64 clients, beside the same
                  read through IPluginHost and a bare Kestrel endpoint
          soak    8 clients write and read an external plugin's kv over HTTP while it is SIGKILLed every M requests
                  (at most every 10 s): lost acknowledged writes, unexpected answers, recovery p50/p99/max
          fuzz    issue 14's fuzz harness, long run: N seeded raw HTTP requests (odd methods, paths, headers, bodies,
                  chunking) against a real plugin-host server with the mock plugin, builtin kv and userpass mounted,
                  then N seeded CLI invocations and config-file mutations (--cli); reports the statuses, every 500
                  with its repro and log line, crashes, bad exit codes and stack traces, and the server's RSS
                  (series, idle, and after an induced full GC with the managed heap then); exit 1 if anything failed.
                  --published DIR reuses (or keeps) the published plugin-host and plugins; --server-env sets
                  variables for the server only (DOTNET_GCHeapHardLimit=0x10000000, DOTNET_gcServer=1, …)
        No mode, or a first argument starting with '-' (such as --filter), runs micro, as before the modes existed.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        switch (args)
        {
            case ["micro", .. var rest]:
                return MicroMode.Run(rest);
            case ["e2e", .. var rest]:
                return await E2eMode.RunAsync(rest);
            case ["http", .. var rest]:
                return await HttpApi.HttpMode.RunAsync(rest);
            case ["soak", .. var rest]:
                return await Soak.SoakMode.RunAsync(rest);
            case ["fuzz", .. var rest]:
                return await Fuzz.FuzzMode.RunAsync(rest);
            case ["help" or "-h" or "--help"]:
                await Console.Out.WriteLineAsync(Usage);
                return 0;
            case []:
            case [var first, ..] when first.StartsWith('-'):
                // Compatibility: `-- --filter '*RouteLookup*'` predates the modes.
                return MicroMode.Run(args);
            default:
                await Console.Error.WriteLineAsync($"unknown mode '{args[0]}'\n{Usage}");
                return 2;
        }
    }
}
