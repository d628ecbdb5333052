using System.Text.Json;

namespace PluginHost.Policies.Evaluation;

/// <summary>Merges the rules that share a pattern, across policies, exactly as Vault's <c>NewACL</c> does.</summary>
internal sealed class PermissionsBuilder
{
    private Capabilities _capabilities;
    private TimeSpan _minWrappingTtl;
    private TimeSpan _maxWrappingTtl;
    private Dictionary<string, List<JsonElement>>? _allowed;
    private Dictionary<string, List<JsonElement>>? _denied;
    private List<string>? _required;

    /// <summary>Starts from a copy of the first rule seen for a pattern.</summary>
    public PermissionsBuilder(PathRule first)
    {
        _capabilities = first.Capabilities;
        _minWrappingTtl = first.MinWrappingTtl ?? TimeSpan.Zero;
        _maxWrappingTtl = first.MaxWrappingTtl ?? TimeSpan.Zero;
        _allowed = Copy(first.AllowedParameters);
        _denied = Copy(first.DeniedParameters);
        _required = first.RequiredParameters is null ? null : [.. first.RequiredParameters];
    }

    /// <summary>Adds a later rule for the same pattern.</summary>
    public void Merge(PathRule rule)
    {
        if ((_capabilities & Capabilities.Deny) != 0)
        {
            // Once denied, nothing else is kept.
            return;
        }

        if ((rule.Capabilities & Capabilities.Deny) != 0)
        {
            _capabilities = Capabilities.Deny;
            _allowed = null;
            _denied = null;
            return;
        }

        _capabilities |= rule.Capabilities;

        // The shorter of two wrapping TTLs wins, as Vault prefers the shortest lifetime.
        _maxWrappingTtl = Shorter(_maxWrappingTtl, rule.MaxWrappingTtl);
        _minWrappingTtl = Shorter(_minWrappingTtl, rule.MinWrappingTtl);
        _allowed = MergeValues(_allowed, rule.AllowedParameters);
        _denied = MergeValues(_denied, rule.DeniedParameters);
        if (rule.RequiredParameters is { Count: > 0 } required)
        {
            _required ??= [];
            foreach (var name in required)
            {
                if (!_required.Contains(name))
                {
                    _required.Add(name);
                }
            }
        }
    }

    /// <summary>The permissions to check requests against.</summary>
    public AclPermissions Build() => new(
        _capabilities,
        requiresWrapping: (_capabilities & Capabilities.Deny) == 0 && (_minWrappingTtl > TimeSpan.Zero || _maxWrappingTtl > TimeSpan.Zero),
        (_capabilities & Capabilities.Deny) != 0 ? null : ParameterRules.Create(_allowed, _denied, _required));

    private static TimeSpan Shorter(TimeSpan existing, TimeSpan? added) =>
        added is { } ttl && ttl > TimeSpan.Zero && (existing == TimeSpan.Zero || ttl < existing) ? ttl : existing;

    private static Dictionary<string, List<JsonElement>>? Copy(IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>? parameters) =>
        parameters?.ToDictionary(pair => pair.Key, pair => pair.Value.ToList(), StringComparer.Ordinal);

    private static Dictionary<string, List<JsonElement>>? MergeValues(
        Dictionary<string, List<JsonElement>>? existing,
        IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>? added)
    {
        if (added is not { Count: > 0 })
        {
            return existing;
        }

        if (existing is null)
        {
            return Copy(added);
        }

        foreach (var (name, values) in added)
        {
            var known = existing.TryGetValue(name, out var existingValues);

            // An empty list (any value) absorbs every other list for the name; otherwise the new values come first.
            existing[name] = values.Count == 0 || (known && existingValues!.Count == 0)
                ? []
                : [.. values, .. existingValues ?? []];
        }

        return existing;
    }
}
