using System.Text;
using System.Text.Json;

namespace PluginHost.Cli.Output;

/// <summary>
/// Renders JSON values the way Vault's CLI prints decoded values with Go's <c>%v</c>: strings bare, numbers as written,
/// <c>[a b]</c> for lists, <c>map[k:v]</c> (keys sorted) for objects and <c>&lt;nil&gt;</c> for null.
/// </summary>
internal static class GoValueFormatter
{
    public static string Format(JsonElement value)
    {
        var text = new StringBuilder();
        Append(text, value);
        return text.ToString();
    }

    /// <summary>Go's <c>%q</c> of a string list: <c>["a" "b"]</c>.</summary>
    public static string QuoteList(IEnumerable<string> values) =>
        "[" + string.Join(' ', values.Select(v => JsonSerializer.Serialize(v, JsonOutput.SerializerOptions))) + "]";

    /// <summary>Go's <c>%v</c> of a string map: <c>map[a:b c:d]</c>, keys sorted.</summary>
    public static string FormatMap(IEnumerable<KeyValuePair<string, string>> values) =>
        "map[" + string.Join(' ', values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}:{v.Value}")) + "]";

    private static void Append(StringBuilder text, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                text.Append(value.GetString());
                break;
            case JsonValueKind.Number:
                text.Append(value.GetRawText());
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                    {
                        text.Append(' ');
                    }

                    first = false;
                    Append(text, item);
                }

                text.Append(']');
                break;
            case JsonValueKind.Object:
                text.Append("map[");
                var firstProperty = true;
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (!firstProperty)
                    {
                        text.Append(' ');
                    }

                    firstProperty = false;
                    text.Append(property.Name).Append(':');
                    Append(text, property.Value);
                }

                text.Append(']');
                break;
            default:
                text.Append("<nil>");
                break;
        }
    }
}
