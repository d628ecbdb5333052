namespace PluginHost.Policies;

/// <summary>How a rule's pattern matches, decided as Vault's <c>parsePaths</c> decides it.</summary>
internal enum PathPatternKind
{
    /// <summary>Matches one path exactly.</summary>
    Exact,

    /// <summary>Ends in <c>*</c> and has no <c>+</c> segment: matches every path starting with the rest.</summary>
    Prefix,

    /// <summary>Has a <c>+</c> segment (and may end in <c>*</c>): matched segment by segment.</summary>
    Segments,
}

/// <summary>The rules of a path pattern's syntax, shared by the parser (which refuses bad ones) and the ACL.</summary>
internal static class PathPattern
{
    /// <summary>The pattern as matched: Vault strips one leading <c>/</c> because request paths start after it.</summary>
    public static string Normalize(string pattern) => pattern.StartsWith('/') ? pattern[1..] : pattern;

    /// <summary>
    /// Vault's test: a pattern has segment wildcards when it is <c>+</c>, starts with <c>+/</c> or contains <c>/+</c>.
    /// (So <c>a/+b</c> counts too; its <c>+b</c> segment then only matches itself, as in Vault.)
    /// </summary>
    public static PathPatternKind Classify(string normalized) =>
        normalized == "+" || normalized.StartsWith("+/", StringComparison.Ordinal) || normalized.Contains("/+", StringComparison.Ordinal)
            ? PathPatternKind.Segments
            : normalized.EndsWith('*') ? PathPatternKind.Prefix : PathPatternKind.Exact;

    /// <summary>Why <paramref name="written"/> is not a valid pattern, or <see langword="null"/> when it is.</summary>
    public static string? FindError(string written)
    {
        var normalized = Normalize(written);
        if (normalized.Contains("+*", StringComparison.Ordinal))
        {
            return $"path \"{normalized}\": invalid use of wildcards ('+*' is forbidden)";
        }

        // Vault would take such a '*' literally, which is never what the author meant.
        var star = normalized.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0 && star < normalized.Length - 1)
        {
            return $"path \"{written}\": '*' is allowed only at the end of a path (a prefix glob); use '+' to match one segment";
        }

        return null;
    }
}
