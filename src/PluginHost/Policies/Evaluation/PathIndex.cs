namespace PluginHost.Policies.Evaluation;

/// <summary>
/// The non-exact rules of an ACL in one radix tree keyed by literal text: prefix rules (<c>a/b*</c>) under their
/// prefix and <c>+</c> rules under their <see cref="SegmentRule.LiteralHead"/>. One walk down the tree along a path
/// visits exactly the keys that are prefixes of it, so a check finds the longest prefix rule and tries only the
/// <c>+</c> rules that share the path's head, whatever the number of rules, and allocates nothing.
/// </summary>
internal sealed class PathIndex
{
    private readonly Node _root;

    private PathIndex(Node root) => _root = root;

    /// <summary>Indexes <paramref name="prefixRules"/> (keyed by prefix, without the <c>*</c>) and <paramref name="segmentRules"/>.</summary>
    public static PathIndex Build(IReadOnlyDictionary<string, AclPermissions> prefixRules, IReadOnlyCollection<SegmentRule> segmentRules)
    {
        var byHead = segmentRules.GroupBy(rule => rule.LiteralHead, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.ToArray(), StringComparer.Ordinal);
        var keys = prefixRules.Keys.Union(byHead.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var root = new Node("", "");
        if (keys.Length > 0)
        {
            Fill(root, keys, 0, keys.Length, 0, prefixRules, byHead);
        }

        return new PathIndex(root);
    }

    /// <summary>
    /// The permissions of the single best non-exact rule matching <paramref name="path"/> (Vault's ranking), or
    /// <see langword="null"/> when none matches.
    /// </summary>
    public AclPermissions? FindBest(ReadOnlySpan<char> path)
    {
        // Segment starts live on the stack; a path with more segments than this (never seen in practice) gets an array.
        const int MaxSegments = 64;
        Span<int> segmentStarts = stackalloc int[MaxSegments + 2];
        var segmentStartCount = 0;
        var node = _root;
        var position = 0;
        Node? longestPrefix = null;
        MatchCandidate best = default;
        var found = false;
        while (true)
        {
            if (node.PrefixRule is not null)
            {
                longestPrefix = node;
            }

            if (node.SegmentRules is { } rules)
            {
                if (segmentStartCount == 0)
                {
                    segmentStarts = path.Count('/') < MaxSegments ? segmentStarts : new int[path.Length + 2];
                    segmentStartCount = SegmentRule.FindSegmentStarts(path, segmentStarts);
                }

                foreach (var rule in rules)
                {
                    if (rule.Matches(path, segmentStarts[..segmentStartCount]) && (!found || best.RanksBelow(rule.Candidate)))
                    {
                        best = rule.Candidate;
                        found = true;
                    }
                }
            }

            if (position == path.Length)
            {
                break;
            }

            var index = node.FirstChars.AsSpan().IndexOf(path[position]);
            if (index < 0)
            {
                break;
            }

            var child = node.Children[index];
            if (!path[position..].StartsWith(child.Label, StringComparison.Ordinal))
            {
                break;
            }

            position += child.Label.Length;
            node = child;
        }

        if (longestPrefix is not null)
        {
            var prefix = new MatchCandidate(longestPrefix.Key.Length, IsPrefix: true, Wildcards: 0, longestPrefix.Key, longestPrefix.PrefixRule!);
            if (!found || best.RanksBelow(prefix))
            {
                return prefix.Permissions;
            }
        }

        return found ? best.Permissions : null;
    }

    // keys[from..to] are sorted, distinct and all start with node.Key (of length `depth`). Builds node's subtree.
    private static void Fill(
        Node node, string[] keys, int from, int to, int depth,
        IReadOnlyDictionary<string, AclPermissions> prefixRules, Dictionary<string, SegmentRule[]> byHead)
    {
        if (keys[from].Length == depth)
        {
            node.PrefixRule = prefixRules.GetValueOrDefault(keys[from]);
            node.SegmentRules = byHead.GetValueOrDefault(keys[from]);
            from++;
        }

        var firstChars = new List<char>();
        var children = new List<Node>();
        while (from < to)
        {
            var next = keys[from][depth];
            var end = from + 1;
            while (end < to && keys[end][depth] == next)
            {
                end++;
            }

            // Sorted keys: the group's common prefix is the common prefix of its first and last keys.
            var first = keys[from];
            var shared = depth + first.AsSpan(depth).CommonPrefixLength(keys[end - 1].AsSpan(depth));
            var child = new Node(first[..shared], first[depth..shared]);
            Fill(child, keys, from, end, shared, prefixRules, byHead);
            firstChars.Add(next);
            children.Add(child);
            from = end;
        }

        node.FirstChars = [.. firstChars];
        node.Children = [.. children];
    }

    private sealed class Node(string key, string label)
    {
        /// <summary>The whole text from the root to this node.</summary>
        public string Key { get; } = key;

        /// <summary>The text of the edge from the parent.</summary>
        public string Label { get; } = label;

        public char[] FirstChars { get; set; } = [];

        public Node[] Children { get; set; } = [];

        public AclPermissions? PrefixRule { get; set; }

        public SegmentRule[]? SegmentRules { get; set; }
    }
}
