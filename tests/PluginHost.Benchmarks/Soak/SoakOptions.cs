using System.Globalization;

namespace PluginHost.Benchmarks.Soak;

/// <summary>The soak's arguments: <c>--requests N --kill-every M [--clients C] [--min-kill-interval S] [--rps R] [--json FILE] [--log]</c>.</summary>
internal sealed record SoakOptions(int Requests, int KillEvery, int Clients, TimeSpan MinKillInterval, double? RequestsPerSecond, string? JsonPath, bool Log)
{
    public const string Usage = "soak [--requests N (100000)] [--kill-every M (1000)] [--clients C (8)] [--min-kill-interval SECONDS (10)] [--rps R (unlimited)] [--json FILE] [--log]";

    public static SoakOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        double Number(string name, double fallback) =>
            Value(name) is { } text
                ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
                    ? value
                    : throw new ArgumentException($"{name} must be a positive number, not '{text}'\nusage: {Usage}")
                : fallback;

        return new SoakOptions(
            Requests: (int)Number("--requests", 100_000),
            KillEvery: (int)Number("--kill-every", 1_000),
            Clients: (int)Number("--clients", 8),
            MinKillInterval: TimeSpan.FromSeconds(Number("--min-kill-interval", 10)),
            RequestsPerSecond: Value("--rps") is null ? null : Number("--rps", 0),
            JsonPath: Value("--json") is { } json ? Path.GetFullPath(json) : null,
            Log: args.Contains("--log"));
    }
}
