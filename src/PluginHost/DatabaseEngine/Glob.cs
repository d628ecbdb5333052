
namespace PluginHost.DatabaseEngine;

/// <summary>Vault's <c>strutil.GlobbedStringsMatch</c>: <c>*</c> alone matches anything; a leading or trailing <c>*</c> a suffix or prefix.</summary>
internal static class Glob
{
    public static bool Matches(string pattern, string value)
    {
        if (pattern == "*")
        {
            return true;
        }

        var starts = pattern.StartsWith('*');
        var ends = pattern.EndsWith('*');
        return (starts, ends) switch
        {
            (true, true) => value.Contains(pattern[1..^1], StringComparison.Ordinal),
            (true, false) => value.EndsWith(pattern[1..], StringComparison.Ordinal),
            (false, true) => value.StartsWith(pattern[..^1], StringComparison.Ordinal),
            _ => string.Equals(pattern, value, StringComparison.Ordinal),
        };
    }
}
