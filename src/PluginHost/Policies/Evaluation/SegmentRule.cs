namespace PluginHost.Policies.Evaluation;

/// <summary>A rule whose pattern has <c>+</c> segments (each matching exactly one segment), compiled for matching without allocating.</summary>
internal sealed class SegmentRule
{
    private readonly string[] _parts;
    private readonly MatchCandidate _candidate;

    /// <summary>Compiles <paramref name="pattern"/> (normalized, with its trailing <c>*</c> if any).</summary>
    public SegmentRule(string pattern, AclPermissions permissions)
    {
        var isPrefix = pattern.EndsWith('*');
        var wildcardPath = isPrefix ? pattern[..^1] : pattern;
        _parts = wildcardPath.Split('/');
        var firstWildcard = pattern.IndexOf('+', StringComparison.Ordinal);
        LiteralHead = pattern[..firstWildcard];
        _candidate = new MatchCandidate(firstWildcard, isPrefix, _parts.Count(part => part == "+"), wildcardPath, permissions);
    }

    /// <summary>
    /// The pattern's text before its first <c>+</c>: every path the rule matches starts with it (the segments before
    /// are literal), so the ACL only tries the rule on paths that do.
    /// </summary>
    public string LiteralHead { get; }

    /// <summary>How the rule ranks against others that match.</summary>
    public ref readonly MatchCandidate Candidate => ref _candidate;

    /// <summary>
    /// Vault's segment matching: <c>+</c> matches any one segment (even an empty one); other segments match exactly,
    /// except that the last one of a pattern ending in <c>*</c> matches any segment it starts, with any segments after.
    /// </summary>
    /// <param name="path">The request path, without a leading <c>/</c>.</param>
    /// <param name="pathSegments">How many segments <paramref name="path"/> has (slashes + 1).</param>
    public bool Matches(ReadOnlySpan<char> path, int pathSegments)
    {
        if (pathSegments < _parts.Length || (!_candidate.IsPrefix && pathSegments != _parts.Length))
        {
            return false;
        }

        var rest = path;
        var last = _parts.Length - 1;
        for (var i = 0; i <= last; i++)
        {
            var slash = rest.IndexOf('/');
            var segment = slash < 0 ? rest : rest[..slash];
            rest = slash < 0 ? [] : rest[(slash + 1)..];
            var part = _parts[i];
            if (part == "+" || segment.SequenceEqual(part) || (_candidate.IsPrefix && i == last && segment.StartsWith(part, StringComparison.Ordinal)))
            {
                continue;
            }

            return false;
        }

        return true;
    }
}
