namespace PluginHost.Policies.Evaluation;

/// <summary>
/// A non-exact rule that matches a path, with what Vault's <c>CheckAllowedFromNonExactPaths</c> ranks it by when
/// several match. Only the highest-ranked rule applies.
/// </summary>
/// <param name="FirstWildcard">Where the first <c>+</c> is (for a prefix rule: the prefix's length).</param>
/// <param name="IsPrefix">The pattern ends in <c>*</c>.</param>
/// <param name="Wildcards">How many <c>+</c> segments the pattern has.</param>
/// <param name="WildcardPath">The pattern without its trailing <c>*</c>.</param>
/// <param name="Permissions">What the rule grants.</param>
internal readonly record struct MatchCandidate(int FirstWildcard, bool IsPrefix, int Wildcards, string WildcardPath, AclPermissions Permissions)
{
    /// <summary>
    /// Vault's order, lowest first: the first wildcard or glob earlier; else ending in <c>*</c>; else more <c>+</c>
    /// segments; else shorter; else lexically smaller.
    /// </summary>
    public bool RanksBelow(in MatchCandidate other)
    {
        if (FirstWildcard != other.FirstWildcard)
        {
            return FirstWildcard < other.FirstWildcard;
        }

        if (IsPrefix != other.IsPrefix)
        {
            return IsPrefix;
        }

        if (Wildcards != other.Wildcards)
        {
            return Wildcards > other.Wildcards;
        }

        if (WildcardPath.Length != other.WildcardPath.Length)
        {
            return WildcardPath.Length < other.WildcardPath.Length;
        }

        return string.CompareOrdinal(WildcardPath, other.WildcardPath) < 0;
    }
}
