namespace PluginHost.Policies.Evaluation;

/// <summary>A rule whose pattern has <c>+</c> segments (each matching exactly one segment), compiled for matching without allocating.</summary>
internal sealed class SegmentRule
{
    // Every "+" part is this instance, so matching tells wildcards apart by reference.
    private const string Wildcard = "+";

    private readonly string[] _parts;
    private readonly MatchCandidate _candidate;

    /// <summary>Compiles <paramref name="pattern"/> (normalized, with its trailing <c>*</c> if any).</summary>
    public SegmentRule(string pattern, AclPermissions permissions)
    {
        var isPrefix = pattern.EndsWith('*');
        var wildcardPath = isPrefix ? pattern[..^1] : pattern;
        _parts = [.. wildcardPath.Split('/').Select(part => part == Wildcard ? Wildcard : part)];
        var firstWildcard = pattern.IndexOf('+', StringComparison.Ordinal);
        LiteralHead = pattern[..firstWildcard];
        _candidate = new MatchCandidate(firstWildcard, isPrefix, _parts.Count(part => part == Wildcard), wildcardPath, permissions);
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
    /// <param name="segmentStarts">
    /// Where each segment of <paramref name="path"/> starts, then <c>path.Length + 1</c>: segment <c>i</c> is
    /// <c>path[starts[i]..(starts[i + 1] - 1)]</c>.
    /// </param>
    public bool Matches(ReadOnlySpan<char> path, ReadOnlySpan<int> segmentStarts)
    {
        var pathSegments = segmentStarts.Length - 1;
        if (pathSegments < _parts.Length || (!_candidate.IsPrefix && pathSegments != _parts.Length))
        {
            return false;
        }

        // From the last part back: a rule's tail is usually what tells it apart from its neighbours.
        var last = _parts.Length - 1;
        for (var i = last; i >= 0; i--)
        {
            var part = _parts[i];
            if (ReferenceEquals(part, Wildcard))
            {
                continue;
            }

            var segment = path[segmentStarts[i]..(segmentStarts[i + 1] - 1)];
            if (!segment.SequenceEqual(part) && !(_candidate.IsPrefix && i == last && segment.StartsWith(part, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Fills <paramref name="starts"/> for <see cref="Matches"/>; returns how many entries it used (segments + 1).</summary>
    public static int FindSegmentStarts(ReadOnlySpan<char> path, Span<int> starts)
    {
        var count = 0;
        starts[count++] = 0;
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '/')
            {
                starts[count++] = i + 1;
            }
        }

        starts[count++] = path.Length + 1;
        return count;
    }
}
