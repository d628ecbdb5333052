namespace PluginHost.Backends;

/// <summary>Puts policy names in Vault's normal form.</summary>
internal static class PolicyNames
{
    /// <summary>Trims and lower-cases the names, drops empty ones and duplicates, and sorts them ordinally.</summary>
    /// <param name="names">The names as given.</param>
    /// <returns>The normal form.</returns>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> names) =>
        names
            .Select(n => n.Trim().ToLowerInvariant())
            .Where(n => n.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
}
