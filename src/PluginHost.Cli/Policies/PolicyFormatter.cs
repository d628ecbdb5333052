using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PluginHost.Cli.Policies;

/// <summary>
/// <c>policy fmt</c>'s canonical layout of a policy the library's parser accepted: HCL by <see cref="HclFormatter"/>
/// (comments kept), JSON (a text that starts with <c>{</c>, as the parser decides) indented by two spaces, its keys
/// and any comments in their order.
/// </summary>
internal static class PolicyFormatter
{
    public static string Format(string text) =>
        text.TrimStart().StartsWith('{') ? FormatJson(text) : HclFormatter.Format(text);

    private static string FormatJson(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Allow, AllowTrailingCommas = true });
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        writer.WriteStartObject();
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        break;
                    case JsonTokenType.StartArray:
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        break;
                    case JsonTokenType.PropertyName:
                        writer.WritePropertyName(reader.GetString()!);
                        break;
                    case JsonTokenType.String:
                        writer.WriteStringValue(reader.GetString());
                        break;
                    case JsonTokenType.Comment:
                        writer.WriteCommentValue(reader.GetComment());
                        break;
                    default:
                        // Numbers, true, false and null as written.
                        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        break;
                }
            }
        }

        return Encoding.UTF8.GetString(output.ToArray()) + "\n";
    }
}
