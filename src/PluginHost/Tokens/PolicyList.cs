namespace PluginHost.Tokens;

/// <summary>Puts a token's policy names in Vault's normal form.</summary>
internal static class PolicyList
{
    /// <summary>Trimmed, lower-cased, without empty names and duplicates, sorted ordinally.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> names) =>
        [.. names.Select(n => n.Trim().ToLowerInvariant()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
