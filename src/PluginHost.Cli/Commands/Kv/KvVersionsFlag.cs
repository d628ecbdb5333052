using System.Globalization;
using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary>The <c>-versions</c> flag of <c>kv delete</c>, <c>undelete</c> and <c>destroy</c>: version numbers, comma-separated or repeated.</summary>
internal static class KvVersionsFlag
{
    /// <summary>Adds the flag to <paramref name="flags"/>.</summary>
    public static StringListFlag Add(FlagSet flags, string usage) => flags.Add("Common Options", new StringListFlag("versions", usage));

    /// <summary>The version numbers given (<c>-versions=1,2 -versions=3</c>).</summary>
    /// <exception cref="UsageException">One is not a whole number above 0.</exception>
    public static IReadOnlyList<long> Parse(StringListFlag flag) =>
        flag.Values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(v => long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
                ? number
                : throw new UsageException($"invalid value \"{v}\" for flag -versions: give version numbers such as -versions=1,2"))
            .ToArray();
}
