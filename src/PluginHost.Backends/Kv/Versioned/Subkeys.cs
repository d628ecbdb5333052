using System.Text.Json;

namespace PluginHost.Backends;

/// <summary>kv v2's <c>subkeys</c>: the shape of a secret with every value, empty object and object at the depth limit replaced by <c>null</c>.</summary>
internal static class Subkeys
{
    /// <summary>The subkeys of <paramref name="data"/>, descending at most <paramref name="depth"/> levels (0: no limit).</summary>
    public static JsonElement Of(IReadOnlyDictionary<string, JsonElement> data, long depth)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in data)
            {
                writer.WritePropertyName(key);
                Write(writer, value, 1, depth);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value, long level, long depth)
    {
        if (value.ValueKind != JsonValueKind.Object || (depth > 0 && level >= depth) || !value.EnumerateObject().Any())
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        foreach (var property in value.EnumerateObject())
        {
            writer.WritePropertyName(property.Name);
            Write(writer, property.Value, level + 1, depth);
        }

        writer.WriteEndObject();
    }
}
