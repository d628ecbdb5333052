namespace PluginHost.Mounts;

/// <summary>Matches a path within a mount against a backend's special paths, as Vault does.</summary>
internal static class SpecialPathMatch
{
    /// <summary>Whether <paramref name="relative"/> is one of <paramref name="patterns"/>: exactly, or by prefix when the pattern ends with <c>*</c>.</summary>
    public static bool Any(IReadOnlyList<string> patterns, string relative)
    {
        foreach (var pattern in patterns)
        {
            var matches = pattern.EndsWith('*')
                ? relative.StartsWith(pattern[..^1], StringComparison.Ordinal)
                : relative == pattern || relative == pattern + "/";
            if (matches)
            {
                return true;
            }
        }

        return false;
    }
}
