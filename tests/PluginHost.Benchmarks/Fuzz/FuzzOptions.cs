using System.Globalization;

namespace PluginHost.Benchmarks.Fuzz;

/// <summary>
/// The fuzz run's arguments: <c>--requests N --seed S [--cli N] [--cli-seed S] [--first I] [--health-every K]
/// [--rss-every M] [--heap-every M] [--idle SECONDS] [--server-env NAME=VALUE]… [--published DIR] [--json FILE] [--trace FILE]</c>.
/// </summary>
internal sealed record FuzzOptions(
    int Requests,
    int Seed,
    int Cli,
    int CliSeed,
    int First,
    int HealthEvery,
    int RssEvery,
    int HeapEvery,
    TimeSpan Idle,
    IReadOnlyDictionary<string, string> ServerEnvironment,
    string? Published,
    string? JsonPath,
    string? TracePath)
{
    public const string Usage =
        "fuzz [--requests N (10000)] [--seed S (1)] [--cli N (0)] [--cli-seed S (the seed)] [--first I (0)] [--health-every K (100)]\n"
        + "                [--rss-every M (1000)] [--heap-every M (0: only at the end)] [--idle SECONDS (10)] [--server-env NAME=VALUE]…\n"
        + "                [--published DIR] [--json FILE] [--trace FILE (a line per request: number, status, ms, summary; FILE.cli: each invocation)]";

    public static FuzzOptions Parse(string[] args)
    {
        var known = new HashSet<string>(StringComparer.Ordinal)
        {
            "--requests", "--seed", "--cli", "--cli-seed", "--first", "--health-every", "--rss-every", "--heap-every", "--idle", "--server-env", "--published", "--json", "--trace",
        };
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!known.Contains(args[i]) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'{(i + 1 >= args.Length && known.Contains(args[i]) ? " without a value" : "")}\nusage: {Usage}");
            }
        }

        string? Value(string name)
        {
            var index = Array.LastIndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        int Number(string name, int fallback, int min = 0) =>
            Value(name) is { } text
                ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min
                    ? value
                    : throw new ArgumentException($"{name} must be a whole number of at least {min}, not '{text}'\nusage: {Usage}")
                : fallback;

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--server-env")
            {
                var pair = args[i + 1];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new ArgumentException($"--server-env takes NAME=VALUE, not '{pair}'\nusage: {Usage}");
                }

                environment[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        var seed = Number("--seed", 1, int.MinValue);
        return new FuzzOptions(
            Requests: Number("--requests", 10_000),
            Seed: seed,
            Cli: Number("--cli", 0),
            CliSeed: Number("--cli-seed", seed, int.MinValue),
            First: Number("--first", 0),
            HealthEvery: Number("--health-every", 100, 1),
            RssEvery: Number("--rss-every", 1000),
            HeapEvery: Number("--heap-every", 0),
            Idle: TimeSpan.FromSeconds(Number("--idle", 10)),
            ServerEnvironment: environment,
            Published: Value("--published") is { } published ? Path.GetFullPath(published) : null,
            JsonPath: Value("--json") is { } json ? Path.GetFullPath(json) : null,
            TracePath: Value("--trace") is { } trace ? Path.GetFullPath(trace) : null);
    }
}
