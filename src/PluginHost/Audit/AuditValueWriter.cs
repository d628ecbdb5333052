using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace PluginHost.Audit;

/// <summary>
/// Writes the values of an audit entry, hashed or raw, as Vault's <c>hashstructure.go</c> does: every string inside
/// request and response data is hashed, in objects and arrays at any depth; numbers, booleans and nulls are kept; keys
/// are never hashed. Reads JSON values in place (no string copies for plain values).
/// </summary>
internal static class AuditValueWriter
{
    /// <summary>Writes a data map (request or response <c>data</c>) as an object property; nothing when it is empty.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="name">The property name.</param>
    /// <param name="data">The data.</param>
    /// <param name="hash">Whether to hash its strings.</param>
    /// <param name="elideList">Whether to write a list's <c>keys</c> and <c>key_info</c> as their count (Vault's <c>elide_list_responses</c>).</param>
    /// <param name="hasher">The device's hasher.</param>
    public static void WriteData(
        Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyDictionary<string, JsonElement>? data, bool hash, bool elideList, AuditHasher hasher)
    {
        if (data is null || data.Count == 0)
        {
            return;
        }

        writer.WriteStartObject(name);
        foreach (var (key, value) in data)
        {
            writer.WritePropertyName(key);
            if (elideList && TryElide(writer, key, value))
            {
                continue;
            }

            WriteValue(writer, value, hash, hasher);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a JSON value with its strings hashed, or as it is.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    /// <param name="hash">Whether to hash its strings.</param>
    /// <param name="hasher">The device's hasher.</param>
    public static void WriteValue(Utf8JsonWriter writer, JsonElement value, bool hash, AuditHasher hasher)
    {
        if (!hash)
        {
            value.WriteTo(writer);
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                WriteHashedString(writer, value, hasher);
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    WritePropertyName(writer, property);
                    WriteValue(writer, property.Value, hash, hasher);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteValue(writer, item, hash, hasher);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    /// <summary>Formats a time as Go's RFC 3339 with nanoseconds in UTC: fraction digits only when non-zero, trailing zeros trimmed.</summary>
    /// <param name="time">The time.</param>
    /// <param name="destination">At least 32 bytes.</param>
    /// <param name="withFraction">False for Go's plain RFC 3339 (whole seconds).</param>
    /// <returns>The number of bytes written.</returns>
    public static int FormatTime(DateTimeOffset time, Span<byte> destination, bool withFraction)
    {
        var utc = time.UtcDateTime;
        utc.TryFormat(destination, out var length, "yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
        var fraction = (int)(utc.Ticks % TimeSpan.TicksPerSecond);
        if (withFraction && fraction != 0)
        {
            destination[length++] = (byte)'.';
            fraction.TryFormat(destination[length..], out var digits, "D7", CultureInfo.InvariantCulture);
            var end = length + digits;
            while (destination[end - 1] == (byte)'0')
            {
                end--;
            }

            length = end;
        }

        destination[length++] = (byte)'Z';
        return length;
    }

    private static void WriteHashedString(Utf8JsonWriter writer, JsonElement value, AuditHasher hasher)
    {
        Span<byte> hashed = stackalloc byte[AuditHasher.HashedLength];

        // The raw token is the quoted text; without escapes it is exactly the value's UTF-8.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var content = raw[1..^1];
        if (content.IndexOf((byte)'\\') < 0)
        {
            hasher.Hash(content, hashed);
        }
        else
        {
            hasher.Hash(value.GetString()!, hashed);
        }

        writer.WriteStringValue(hashed);
    }

    private static void WritePropertyName(Utf8JsonWriter writer, JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            writer.WritePropertyName(raw);
        }
        else
        {
            writer.WritePropertyName(property.Name);
        }
    }

    private static bool TryElide(Utf8JsonWriter writer, string key, JsonElement value)
    {
        if (key == "keys" && value.ValueKind == JsonValueKind.Array)
        {
            writer.WriteNumberValue(value.GetArrayLength());
            return true;
        }

        if (key == "key_info" && value.ValueKind == JsonValueKind.Object)
        {
            var count = 0;
            foreach (var unused in value.EnumerateObject())
            {
                count++;
            }

            writer.WriteNumberValue(count);
            return true;
        }

        return false;
    }
}
