using System.Text.Json;

namespace PluginHost.Policies.Evaluation;

/// <summary>
/// Whether a request field's value is in a rule's list of values, with Vault's rules (acl.go
/// <c>valueInAllowedParameterList</c>, <c>valueInDeniedParameterList</c>, <c>valueInParameterList</c>).
/// </summary>
internal static class ParameterValueMatcher
{
    /// <summary>
    /// An allowed value: the list is empty (any value), or holds the value, or (Vault's relaxed check) the value is a
    /// list, or a comma-separated string, whose every element the list holds.
    /// </summary>
    public static bool IsAllowed(JsonElement value, JsonElement[] allowed)
    {
        if (allowed.Length == 0 || IsListed(value, allowed))
        {
            return true;
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in value.EnumerateArray())
            {
                if (!IsListed(element, allowed))
                {
                    return false;
                }
            }

            return true;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            // Vault assumes a string may be a comma-separated list. Like Vault, "" splits into no elements and so passes.
            foreach (var element in CommaSeparated(value.GetString()!))
            {
                if (!IsListed(element, allowed))
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// A denied value: the list is empty (any value), or holds the value, or holds any element of the value when the
    /// value is a list or a comma-separated string.
    /// </summary>
    public static bool IsDenied(JsonElement value, JsonElement[] denied)
    {
        if (denied.Length == 0 || IsListed(value, denied))
        {
            return true;
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in value.EnumerateArray())
            {
                if (IsListed(element, denied))
                {
                    return true;
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            foreach (var element in CommaSeparated(value.GetString()!))
            {
                if (IsListed(element, denied))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // A listed string may start and/or end with a '*' glob and matches only strings; other values must be equal
    // (numbers by value, objects and arrays member by member). A null matches nothing: a policy cannot list null.
    private static bool IsListed(JsonElement value, JsonElement[] list)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        foreach (var listed in list)
        {
            if (listed.ValueKind == JsonValueKind.String)
            {
                if (value.ValueKind == JsonValueKind.String && GlobMatches(listed.GetString()!, value.GetString()!))
                {
                    return true;
                }
            }
            else if (JsonElement.DeepEquals(listed, value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsListed(string value, JsonElement[] list)
    {
        foreach (var listed in list)
        {
            if (listed.ValueKind == JsonValueKind.String && GlobMatches(listed.GetString()!, value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Vault's <c>strutil.GlobbedStringsMatch</c>: a leading and/or trailing <c>*</c>; a lone <c>*</c> matches only itself.</summary>
    internal static bool GlobMatches(string pattern, string value)
    {
        if (pattern.Length < 2)
        {
            return value == pattern;
        }

        var anyStart = pattern[0] == '*';
        var anyEnd = pattern[^1] == '*';
        return (anyStart, anyEnd) switch
        {
            (true, true) => value.Contains(pattern[1..^1], StringComparison.Ordinal),
            (true, false) => value.EndsWith(pattern[1..], StringComparison.Ordinal),
            (false, true) => value.StartsWith(pattern[..^1], StringComparison.Ordinal),
            _ => value == pattern,
        };
    }

    // parseutil.ParseCommaStringSlice: split on ',', trim each element; an empty string has no elements.
    private static IEnumerable<string> CommaSeparated(string value) =>
        value.Length == 0 ? [] : value.Split(',').Select(element => element.Trim());
}
