using System.Text.Json;

namespace PluginHost.Policies.Evaluation;

/// <summary>
/// A rule's <c>required_parameters</c>, <c>denied_parameters</c> and <c>allowed_parameters</c>, checked against a
/// request's fields in the order Vault's <c>AllowOperation</c> checks them.
/// </summary>
internal sealed class ParameterRules
{
    private readonly string[] _required;
    private readonly Dictionary<string, JsonElement[]> _denied;
    private readonly Dictionary<string, JsonElement[]> _allowed;
    private readonly bool _deniesAll;
    private readonly bool _allowsAll;

    private ParameterRules(string[] required, Dictionary<string, JsonElement[]> denied, Dictionary<string, JsonElement[]> allowed)
    {
        _required = required;
        _denied = denied;
        _allowed = allowed;
        _deniesAll = denied.ContainsKey("*");
        _allowsAll = allowed.ContainsKey("*");
    }

    /// <summary>The rules, or <see langword="null"/> when none would limit anything (empty maps limit nothing).</summary>
    public static ParameterRules? Create(
        Dictionary<string, List<JsonElement>>? allowed,
        Dictionary<string, List<JsonElement>>? denied,
        List<string>? required)
    {
        if (allowed is not { Count: > 0 } && denied is not { Count: > 0 } && required is not { Count: > 0 })
        {
            return null;
        }

        // Names were lower-cased when parsed; Vault lower-cases each request field before looking it up.
        return new ParameterRules(
            required?.Select(name => name.ToLowerInvariant()).ToArray() ?? [],
            ToLookup(denied),
            ToLookup(allowed));
    }

    /// <summary>Whether a request with <paramref name="data"/> passes (for the operations that carry parameters).</summary>
    public bool Allows(IReadOnlyDictionary<string, JsonElement>? data)
    {
        foreach (var name in _required)
        {
            // As in Vault, the required name (lower-cased) must be present as written in the request.
            if (data is null || !data.ContainsKey(name))
            {
                return false;
            }
        }

        if (data is null || data.Count == 0)
        {
            return true;
        }

        if (_denied.Count > 0)
        {
            if (_deniesAll)
            {
                return false;
            }

            foreach (var (name, value) in data)
            {
                if (_denied.TryGetValue(name, out var deniedValues) && ParameterValueMatcher.IsDenied(value, deniedValues))
                {
                    return false;
                }
            }
        }

        if (_allowed.Count == 0 || (_allowed.Count == 1 && _allowsAll))
        {
            return true;
        }

        foreach (var (name, value) in data)
        {
            var listed = _allowed.TryGetValue(name, out var allowedValues);
            if ((!listed && !_allowsAll) || (listed && !ParameterValueMatcher.IsAllowed(value, allowedValues!)))
            {
                return false;
            }
        }

        return true;
    }

    private static Dictionary<string, JsonElement[]> ToLookup(Dictionary<string, List<JsonElement>>? parameters) =>
        parameters?.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.OrdinalIgnoreCase)
        ?? new Dictionary<string, JsonElement[]>(StringComparer.OrdinalIgnoreCase);
}
