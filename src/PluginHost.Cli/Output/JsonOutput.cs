using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PluginHost.Cli.Output;

/// <summary>
/// JSON as Vault's CLI prints it (<c>json.MarshalIndent(v, "", "  ")</c>): two-space indent, object keys of maps sorted,
/// struct fields in their declared order, numbers as written.
/// </summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NewLine = "\n",
    };

    /// <summary>Runs <paramref name="write"/> against an indented writer and returns the text, without a trailing newline.</summary>
    public static string Render(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Renders a JSON value with every object's keys sorted (Go encodes maps that way).</summary>
    public static string Render(JsonElement value) => Render(writer => WriteSorted(writer, value));

    /// <summary>Writes <paramref name="value"/> with every object's keys sorted.</summary>
    public static void WriteSorted(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteSorted(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    /// <summary>Writes a map with its keys sorted, or <c>null</c> for none.</summary>
    public static void WriteSortedMap(Utf8JsonWriter writer, IReadOnlyDictionary<string, JsonElement>? map)
    {
        if (map is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        foreach (var (key, item) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(key);
            WriteSorted(writer, item);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a list of strings, or <c>null</c> for none (Go's nil slice).</summary>
    public static void WriteStrings(Utf8JsonWriter writer, IEnumerable<string>? values)
    {
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
