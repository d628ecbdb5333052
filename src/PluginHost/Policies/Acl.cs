using System.Collections.Frozen;
using System.Text.Json;
using PluginHost.Policies.Evaluation;

namespace PluginHost.Policies;

/// <summary>
/// The policies of one token compiled for checking requests, with Vault's semantics (acl.go <c>NewACL</c>,
/// <c>AllowOperation</c>, <c>CheckAllowedFromNonExactPaths</c>): an exact rule wins; otherwise the single best of the
/// longest matching prefix rule and every matching <c>+</c> rule applies. Immutable and safe to share between threads;
/// checks allocate nothing unless the matching rule limits request parameters.
/// </summary>
public sealed class Acl
{
    private const Capabilities Everything = Capabilities.Create | Capabilities.Read | Capabilities.Update
        | Capabilities.Delete | Capabilities.List | Capabilities.Sudo | Capabilities.Root | Capabilities.Patch;

    private static readonly string[] RootNames = ["root"];

    private readonly FrozenDictionary<string, AclPermissions>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly PathIndex _nonExact;

    // The exact and prefix patterns that grant something (no deny), for HasAccessUnder.
    private readonly string[] _granting;

    private Acl(bool isRoot, FrozenDictionary<string, AclPermissions> exact, PathIndex nonExact, string[] granting)
    {
        IsRoot = isRoot;
        _exact = exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _nonExact = nonExact;
        _granting = granting;
    }

    /// <summary>The ACL is made of the root policy: everything is allowed.</summary>
    public bool IsRoot { get; }

    /// <summary>
    /// Compiles <paramref name="policies"/>. Rules with the same pattern are merged across policies: their capabilities
    /// are united, a <c>deny</c> anywhere wins, and parameters and wrapping TTLs merge as Vault merges them.
    /// </summary>
    /// <param name="policies">The token's policies; <see cref="Policy.Root"/> must be alone, as in Vault.</param>
    /// <exception cref="ArgumentException"><see cref="Policy.Root"/> comes with other policies.</exception>
    public static Acl Create(IEnumerable<Policy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var list = policies.ToList();
        var isRoot = false;
        var exact = new Dictionary<string, PermissionsBuilder>(StringComparer.Ordinal);
        var prefix = new Dictionary<string, PermissionsBuilder>(StringComparer.Ordinal);
        var segments = new Dictionary<string, PermissionsBuilder>(StringComparer.Ordinal);
        foreach (var policy in list)
        {
            ArgumentNullException.ThrowIfNull(policy, nameof(policies));
            if (policy.Name == Policy.RootName)
            {
                isRoot = list.Count == 1 ? true : throw new ArgumentException("other policies present along with root", nameof(policies));
            }

            foreach (var rule in policy.Paths)
            {
                var pattern = PathPattern.Normalize(rule.Pattern);
                var (rules, key) = PathPattern.Classify(pattern) switch
                {
                    PathPatternKind.Exact => (exact, pattern),
                    PathPatternKind.Prefix => (prefix, pattern[..^1]),
                    _ => (segments, pattern),
                };
                if (rules.TryGetValue(key, out var existing))
                {
                    existing.Merge(rule);
                }
                else
                {
                    rules.Add(key, new PermissionsBuilder(rule));
                }
            }
        }

        var exactRules = exact.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.Build(), StringComparer.Ordinal);
        var prefixRules = prefix.ToDictionary(pair => pair.Key, pair => pair.Value.Build(), StringComparer.Ordinal);
        return new Acl(
            isRoot,
            exactRules,
            PathIndex.Build(prefixRules, [.. segments.Select(pair => new SegmentRule(pair.Key, pair.Value.Build()))]),
            [.. exactRules.Concat(prefixRules).Where(rule => Grants(rule.Value.Capabilities)).Select(rule => rule.Key)]);
    }

    /// <summary>
    /// Whether any rule gives some access at or below <paramref name="mountPath"/> (Vault's <c>hasMountAccess</c>, which
    /// decides whether <c>sys/internal/ui/mounts/:path</c> describes a mount to the token): the mount path itself, an
    /// exact or prefix rule below it, or a glob rule matching it, granting anything but deny.
    /// </summary>
    /// <param name="mountPath">The mount's full path with its trailing slash (<c>secret/</c>, <c>auth/userpass/</c>).</param>
    internal bool HasAccessUnder(string mountPath)
    {
        ArgumentNullException.ThrowIfNull(mountPath);
        return IsRoot
            || Grants(CapabilitiesOf(mountPath, isList: true))
            || _granting.Any(pattern => pattern.StartsWith(mountPath, StringComparison.Ordinal))
            || Grants(_nonExact.FindBest(mountPath)?.Capabilities ?? Capabilities.None);
    }

    private static bool Grants(Capabilities capabilities) =>
        (capabilities & Capabilities.Deny) == 0 && (capabilities & ~Capabilities.Deny) != Capabilities.None;

    /// <summary>
    /// Whether <paramref name="operation"/> on <paramref name="path"/> is allowed (Vault's <c>AllowOperation</c>).
    /// Help is always allowed. The matching rule must grant the operation's capability (read, list, create, update or
    /// delete), and <see cref="Capabilities.Sudo"/> too when <paramref name="isRootPath"/>; its parameter limits
    /// apply to read, create and update. A rule with a wrapping TTL allows nothing (PluginHost cannot wrap responses).
    /// </summary>
    /// <param name="path">The request path; leading slashes are ignored.</param>
    /// <param name="operation">The operation requested.</param>
    /// <param name="isRootPath">The path is sudo-protected (a backend's root path).</param>
    /// <param name="data">The request's fields, checked against the rule's allowed, denied and required parameters.</param>
    public bool AllowsOperation(ReadOnlySpan<char> path, Operation operation, bool isRootPath, IReadOnlyDictionary<string, JsonElement>? data = null)
    {
        if (IsRoot || operation == Operation.Help)
        {
            return true;
        }

        var required = operation switch
        {
            Operation.Read => Capabilities.Read,
            Operation.List => Capabilities.List,
            Operation.Create => Capabilities.Create,
            Operation.Update => Capabilities.Update,
            Operation.Delete => Capabilities.Delete,
            Operation.Patch => Capabilities.Patch,
            _ => Capabilities.None,
        };
        var permissions = Find(path, operation == Operation.List);
        if (required == Capabilities.None || permissions is null || (permissions.Capabilities & required) == 0)
        {
            return false;
        }

        if ((isRootPath && (permissions.Capabilities & Capabilities.Sudo) == 0) || permissions.RequiresWrapping)
        {
            return false;
        }

        // Only the operations that carry parameters are limited by them.
        return permissions.Parameters is null
            || operation is not (Operation.Read or Operation.Create or Operation.Update or Operation.Patch)
            || permissions.Parameters.Allows(data);
    }

    /// <summary>
    /// The capabilities of the single rule that applies to <paramref name="path"/> (Vault's matching), or
    /// <see cref="Capabilities.None"/> when none does; every capability, <see cref="Capabilities.Root"/> included, for a
    /// root ACL. Allocates nothing.
    /// </summary>
    /// <param name="path">The path; leading slashes are ignored.</param>
    /// <param name="isList">Match as a list operation does: also try the path without its trailing <c>/</c> first.</param>
    public Capabilities CapabilitiesOf(ReadOnlySpan<char> path, bool isList = false) =>
        IsRoot ? Everything : Find(path, isList)?.Capabilities ?? Capabilities.None;

    /// <summary>
    /// Vault's sys/capabilities answer for one path: <c>["root"]</c> for a root ACL; <c>["deny"]</c> when no rule
    /// applies, the rule denies or it grants nothing; otherwise the capability names sorted (as Vault sorts them), for
    /// example <c>["create", "list", "read"]</c>. The path is matched as a list operation, as Vault does.
    /// </summary>
    /// <param name="path">The path; leading slashes are ignored.</param>
    public IReadOnlyList<string> CapabilityNamesOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return IsRoot ? RootNames : CapabilityNames.Of(CapabilitiesOf(path, isList: true));
    }

    private AclPermissions? Find(ReadOnlySpan<char> path, bool isList)
    {
        path = path.TrimStart('/');
        if (_exact.TryGetValue(path, out var permissions))
        {
            return permissions;
        }

        if (!isList)
        {
            return _nonExact.FindBest(path);
        }

        // A list of "a/" is also governed by rules for "a": exact first, then the non-exact rules.
        var trimmed = path.EndsWith('/') ? path[..^1] : path;
        if (_exact.TryGetValue(trimmed, out permissions))
        {
            return permissions;
        }

        return (trimmed.Length != path.Length ? _nonExact.FindBest(trimmed) : null) ?? _nonExact.FindBest(path);
    }
}
