using System.Globalization;
using System.Text.Json;

namespace PluginHost.Sdk;

/// <summary>Converts a request's JSON value to a declared <see cref="FieldType"/>, leniently as Vault does, or refuses it naming the field.</summary>
internal static class FieldParser
{
    /// <summary>Converts <paramref name="value"/>.</summary>
    /// <param name="field">The field name, for the error message.</param>
    /// <param name="type">The declared type.</param>
    /// <param name="value">The JSON value (not null).</param>
    /// <returns>A <see cref="string"/>, <see cref="long"/>, <see cref="bool"/>, <see cref="TimeSpan"/> or list of strings.</returns>
    /// <exception cref="PluginHostException">The value cannot be taken as <paramref name="type"/>.</exception>
    public static object Parse(string field, FieldType type, JsonElement value) => type switch
    {
        FieldType.String => ParseString(value) ?? throw Invalid(field, value, "give a string"),
        FieldType.Int => ParseInt(value) ?? throw Invalid(field, value, "give a whole number"),
        FieldType.Bool => ParseBool(value) ?? throw Invalid(field, value, "give true or false"),
        FieldType.Duration => TimeSpan.FromSeconds(DurationParser.Parse(field, value)),
        FieldType.CommaStringSlice => ParseStrings(value) ?? throw Invalid(field, value, "give a comma-separated string (\"dev,ops\") or a JSON array of strings"),
        FieldType.Map => ParseMap(value) ?? throw Invalid(field, value, "give a JSON object"),
        FieldType.StringSlice => ParseStringSlice(value) ?? throw Invalid(field, value, "give a string or a JSON array of strings"),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown field type"),
    };

    /// <summary>The empty value of <paramref name="type"/>, answered for a field neither given nor defaulted.</summary>
    /// <param name="type">The declared type.</param>
    /// <returns>"", 0, false, zero or an empty list.</returns>
    public static object Empty(FieldType type) => type switch
    {
        FieldType.String => "",
        FieldType.Int => 0L,
        FieldType.Bool => false,
        FieldType.Duration => TimeSpan.Zero,
        FieldType.CommaStringSlice => Array.Empty<string>(),
        FieldType.Map => EmptyMap,
        FieldType.StringSlice => Array.Empty<string>(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown field type"),
    };

    /// <summary>The name help shows for <paramref name="type"/>, as Vault's.</summary>
    /// <param name="type">The declared type.</param>
    /// <returns>For example <c>duration (sec)</c>.</returns>
    public static string Describe(FieldType type) => type switch
    {
        FieldType.String => "string",
        FieldType.Int => "int",
        FieldType.Bool => "bool",
        FieldType.Duration => "duration (sec)",
        FieldType.CommaStringSlice => "comma-separated strings",
        FieldType.Map => "map",
        FieldType.StringSlice => "strings",
        _ => type.ToString(),
    };

    private static readonly IReadOnlyDictionary<string, JsonElement> EmptyMap = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    // Cloned, so the handler may keep the values after the request's document is gone.
    private static Dictionary<string, JsonElement>? ParseMap(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)
            : null;

    private static string? ParseString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static long? ParseInt(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var number) => number,
        JsonValueKind.String when long.TryParse(value.GetString()?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
        _ => null,
    };

    private static bool? ParseBool(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt32(out var number) && number is 0 or 1 => number == 1,
        JsonValueKind.String => value.GetString()?.Trim().ToUpperInvariant() switch
        {
            "TRUE" or "T" or "1" => true,
            "FALSE" or "F" or "0" => false,
            _ => null,
        },
        _ => null,
    };

    // Items are trimmed and empty ones dropped, as Vault's comma-string-slice parsing does.
    private static string[]? ParseStrings(JsonElement value)
    {
        IEnumerable<string?> items;
        if (value.ValueKind == JsonValueKind.String)
        {
            items = (value.GetString() ?? "").Split(',');
        }
        else if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => ParseString(e) is not null))
        {
            items = value.EnumerateArray().Select(ParseString);
        }
        else
        {
            return null;
        }

        return items.Select(item => item!.Trim()).Where(item => item.Length > 0).ToArray();
    }

    // Vault's weak decoding of a string into a []string: one item, commas and all.
    private static string[]? ParseStringSlice(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() is { Length: > 0 } one && one.Trim().Length > 0 ? [one] : [];
        }

        return value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => ParseString(e) is not null)
            ? value.EnumerateArray().Select(e => ParseString(e)!).Where(item => item.Trim().Length > 0).ToArray()
            : null;
    }

    private static PluginHostException Invalid(string field, JsonElement value, string hint) =>
        new(ErrorCode.BadRequest, $"invalid value for '{field}': {value.GetRawText()}; {hint}");
}
