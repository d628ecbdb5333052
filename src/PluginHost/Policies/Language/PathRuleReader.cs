using System.Text.Json;

namespace PluginHost.Policies.Language;

/// <summary>Reads the body of one <c>path "pattern" { … }</c> block into a <see cref="PathRule"/>, as Vault's <c>parsePaths</c> does.</summary>
internal static class PathRuleReader
{
    private static readonly string[] ValidKeys =
    [
        "comment", "policy", "capabilities", "allowed_parameters", "denied_parameters", "required_parameters",
        "min_wrapping_ttl", "max_wrapping_ttl",
    ];

    // Valid in Vault Enterprise only; refused rather than ignored, since ignoring would grant what the author restricted.
    private static readonly string[] EnterpriseKeys = ["mfa_methods", "control_group"];

    /// <summary>Reads the block for <paramref name="pattern"/> (as written).</summary>
    /// <exception cref="PolicyParseException">Anything Vault refuses, plus a <c>*</c> before the end of the pattern.</exception>
    public static PathRule Read(string pattern, HclObject body)
    {
        var items = IndexKeys(pattern, body);
        if (PathPattern.FindError(pattern) is { } patternError)
        {
            throw PolicyParseException.Because(patternError);
        }

        if (items.TryGetValue("comment", out var comment) && comment.Value is not HclString)
        {
            throw Because(pattern, $"comment must be a string (line {comment.Line})");
        }

        var capabilities = ReadCapabilities(pattern, items);
        if ((capabilities & Capabilities.Deny) != 0)
        {
            // As in Vault, a denying block keeps nothing else: there is nothing left for parameters or TTLs to limit.
            return new PathRule { Pattern = pattern, Capabilities = Capabilities.Deny };
        }

        var minWrappingTtl = ReadTtl(pattern, items, "min_wrapping_ttl");
        var maxWrappingTtl = ReadTtl(pattern, items, "max_wrapping_ttl");
        if (minWrappingTtl > TimeSpan.Zero && maxWrappingTtl > TimeSpan.Zero && maxWrappingTtl < minWrappingTtl)
        {
            throw Because(pattern, "max_wrapping_ttl cannot be less than min_wrapping_ttl");
        }

        return new PathRule
        {
            Pattern = pattern,
            Capabilities = capabilities,
            AllowedParameters = ReadParameters(pattern, items, "allowed_parameters"),
            DeniedParameters = ReadParameters(pattern, items, "denied_parameters"),
            RequiredParameters = ReadRequired(pattern, items),
            MinWrappingTtl = minWrappingTtl,
            MaxWrappingTtl = maxWrappingTtl,
        };
    }

    private static Dictionary<string, HclItem> IndexKeys(string pattern, HclObject body)
    {
        var items = new Dictionary<string, HclItem>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var item in body.Items)
        {
            var key = item.Keys[0];
            if (EnterpriseKeys.Contains(key))
            {
                errors.Add($"\"{key}\" on line {item.Line} is a Vault Enterprise feature PluginHost does not support");
            }
            else if (!ValidKeys.Contains(key))
            {
                errors.Add($"invalid key \"{key}\" on line {item.Line}");
            }
            else if (item.Keys.Count > 1)
            {
                errors.Add($"\"{key}\" on line {item.Line} takes no label (found \"{item.Keys[1]}\")");
            }
            else if (!items.TryAdd(key, item))
            {
                errors.Add($"duplicate key \"{key}\" on line {item.Line} (first on line {items[key].Line})");
            }
        }

        return errors.Count == 0 ? items : throw Because(pattern, string.Join(", ", errors));
    }

    private static Capabilities ReadCapabilities(string pattern, Dictionary<string, HclItem> items)
    {
        var capabilities = Capabilities.None;
        if (items.TryGetValue("capabilities", out var list))
        {
            foreach (var name in StringsOf(pattern, list))
            {
                capabilities |= CapabilityNames.TryParse(name, out var capability)
                    ? capability
                    : throw Because(pattern, $"invalid capability \"{name}\"");
            }
        }

        if (items.TryGetValue("policy", out var policy))
        {
            var value = policy.Value as HclString ?? throw Because(pattern, $"policy must be a string (line {policy.Line})");
            capabilities |= CapabilityNames.TryParseLegacyPolicy(value.Value, out var legacy)
                ? legacy
                : throw Because(pattern, $"invalid policy \"{value.Value}\"");
        }

        // "deny" anywhere wins over everything else in the block.
        return (capabilities & Capabilities.Deny) != 0 ? Capabilities.Deny : capabilities;
    }

    private static TimeSpan? ReadTtl(string pattern, Dictionary<string, HclItem> items, string key)
    {
        if (!items.TryGetValue(key, out var item))
        {
            return null;
        }

        if (!VaultDuration.TryParse(item.Value, out var ttl, out var error))
        {
            throw Because(pattern, $"error parsing {key}: {error}");
        }

        return ttl >= TimeSpan.Zero ? ttl : throw Because(pattern, $"error parsing {key}: it must not be negative");
    }

    private static Dictionary<string, IReadOnlyList<JsonElement>>? ReadParameters(string pattern, Dictionary<string, HclItem> items, string key)
    {
        if (!items.TryGetValue(key, out var item))
        {
            return null;
        }

        var map = item.Value as HclObject
            ?? throw Because(pattern, $"{key} must be an object of parameter = [values] (line {item.Line})");
        var parameters = new Dictionary<string, IReadOnlyList<JsonElement>>(StringComparer.Ordinal);
        foreach (var parameter in map.Items)
        {
            var name = parameter.Keys[0];
            CheckParameterName(pattern, key, name, wildcardAllowed: true);
            var values = parameter.Value as HclList ?? throw Because(
                pattern, $"{key}: parameter \"{name}\" must have a list of values, such as [] or [\"a\", \"b\"] (line {parameter.Line})");

            // Vault stores parameter names in lower case and lower-cases request fields before looking them up.
            if (!parameters.TryAdd(name.ToLowerInvariant(), values.Items.Select(ParameterValues.ToJson).ToArray()))
            {
                throw Because(pattern, $"{key}: parameter \"{name}\" is given twice (line {parameter.Line}; names ignore case)");
            }
        }

        return parameters;
    }

    private static string[]? ReadRequired(string pattern, Dictionary<string, HclItem> items)
    {
        if (!items.TryGetValue("required_parameters", out var item))
        {
            return null;
        }

        var names = StringsOf(pattern, item);
        foreach (var name in names)
        {
            CheckParameterName(pattern, "required_parameters", name, wildcardAllowed: false);
        }

        return names.Length == 0 ? null : names;
    }

    private static void CheckParameterName(string pattern, string key, string name, bool wildcardAllowed)
    {
        // Vault also accepts JSON-pointer names ("/a/b"); PluginHost does not evaluate them, so it refuses them.
        if (name.StartsWith('/'))
        {
            throw Because(pattern, $"{key}: parameter key \"{name}\": JSON pointer keys are not supported by PluginHost");
        }

        if (name.Contains('*', StringComparison.Ordinal) && (name != "*" || !wildcardAllowed))
        {
            throw Because(pattern, wildcardAllowed
                ? $"{key}: parameter key \"{name}\" cannot contain non-tail wildcards"
                : $"{key}: parameter key \"{name}\": wildcard is not permitted here");
        }
    }

    private static string[] StringsOf(string pattern, HclItem item)
    {
        var list = item.Value as HclList;
        if (list is null || list.Items.Any(value => value is not HclString))
        {
            throw Because(pattern, $"{item.Keys[0]} must be a list of strings (line {item.Line})");
        }

        return [.. list.Items.Select(value => ((HclString)value).Value)];
    }

    private static PolicyParseException Because(string pattern, string detail) =>
        PolicyParseException.Because($"path \"{pattern}\": {detail}");
}
