using System.Globalization;
using System.Text.Json;
using PluginHost;

namespace PostgresDatabasePlugin;

/// <summary>
/// Reads the connection's configuration fields as Vault accepts them: numbers also as numeric strings (the CLI sends
/// <c>key=value</c> pairs as strings), durations as Go duration strings or seconds.
/// </summary>
internal static class ConfigFields
{
    /// <summary>A text field, or <see langword="null"/> when absent or null.</summary>
    public static string? String(IReadOnlyDictionary<string, JsonElement> config, string name) =>
        Value(config, name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } text => text.GetString(),
            { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } scalar => scalar.GetRawText(),
            _ => throw Invalid(name, "must be a string"),
        };

    /// <summary>A whole number, or <paramref name="fallback"/> when absent, null or empty.</summary>
    public static int Integer(IReadOnlyDictionary<string, JsonElement> config, string name, int fallback)
    {
        var value = Value(config, name);
        if (value is null || value.Value.ValueKind == JsonValueKind.String && value.Value.GetString()!.Length == 0)
        {
            return fallback;
        }

        return value.Value.ValueKind switch
        {
            JsonValueKind.Number when value.Value.TryGetInt32(out var number) => number,
            JsonValueKind.String when int.TryParse(value.Value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
            _ => throw Invalid(name, "must be a whole number"),
        };
    }

    /// <summary>A duration: a number of seconds, or a string such as <c>30s</c>, <c>1m30s</c> or <c>90</c>; zero when absent.</summary>
    public static TimeSpan Duration(IReadOnlyDictionary<string, JsonElement> config, string name)
    {
        var value = Value(config, name);
        return value?.ValueKind switch
        {
            null => TimeSpan.Zero,
            JsonValueKind.Number when value.Value.TryGetInt64(out var seconds) && seconds >= 0 => TimeSpan.FromSeconds(seconds),
            JsonValueKind.String when GoDuration.TryParse(value.Value.GetString()!, out var duration) => duration,
            _ => throw Invalid(name, "must be a duration such as \"30s\" or a number of seconds"),
        };
    }

    private static JsonElement? Value(IReadOnlyDictionary<string, JsonElement> config, string name) =>
        config.TryGetValue(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? value : null;

    private static PluginHostException Invalid(string name, string rule) => new(ErrorCode.BadRequest, $"invalid {name}: {rule}");
}
