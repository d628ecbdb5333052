using System.Text.Json;

namespace PluginHost.Backends;

/// <summary>Parses a policies field (a comma-separated string or a JSON array of strings) into Vault's normal form.</summary>
internal static class PolicyParser
{
    /// <summary>Parses <paramref name="value"/>: trimmed, lower-case, empty names dropped, sorted ordinally, without duplicates.</summary>
    /// <param name="field">The field name, for the error message.</param>
    /// <param name="value">The JSON value.</param>
    /// <returns>The policies.</returns>
    /// <exception cref="PluginHostException">The value is neither a string nor an array of strings.</exception>
    public static IReadOnlyList<string> Parse(string field, JsonElement value)
    {
        IEnumerable<string> names = value.ValueKind switch
        {
            JsonValueKind.String => (value.GetString() ?? "").Split(','),
            JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                value.EnumerateArray().Select(e => e.GetString() ?? ""),
            JsonValueKind.Null => [],
            _ => throw new PluginHostException(ErrorCode.BadRequest,
                $"invalid value for '{field}': {value.GetRawText()}; give a comma-separated string (\"dev,ops\") or a JSON array of strings"),
        };

        return names
            .Select(n => n.Trim().ToLowerInvariant())
            .Where(n => n.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
