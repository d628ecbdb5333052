using System.Buffers;
using System.Text.Json;

namespace PluginHost.Policies.Language;

/// <summary>Turns the values of <c>allowed_parameters</c> and <c>denied_parameters</c> into JSON, the form request data takes.</summary>
internal static class ParameterValues
{
    /// <summary>The value as a standalone JSON element (a string, number, boolean, array or object).</summary>
    /// <exception cref="PolicyParseException">An object holding a block, or a number JSON cannot write (such as <c>01</c>).</exception>
    public static JsonElement ToJson(HclValue value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, HclValue value)
    {
        switch (value)
        {
            case HclString text:
                writer.WriteStringValue(text.Value);
                break;
            case HclNumber number:
                try
                {
                    writer.WriteRawValue(number.Text);
                }
                catch (JsonException ex)
                {
                    throw PolicyParseException.Because($"line {number.Line}: {number.Text} is not a valid number", ex);
                }

                break;
            case HclBool boolean:
                writer.WriteBooleanValue(boolean.Value);
                break;
            case HclList list:
                writer.WriteStartArray();
                foreach (var item in list.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case HclObject obj:
                writer.WriteStartObject();
                foreach (var item in obj.Items)
                {
                    if (item.Keys.Count != 1)
                    {
                        throw PolicyParseException.Because($"line {item.Line}: an object in a parameter's values cannot hold a block");
                    }

                    writer.WritePropertyName(item.Keys[0]);
                    Write(writer, item.Value);
                }

                writer.WriteEndObject();
                break;
            default:
                throw new InvalidOperationException($"unknown node {value.GetType().Name}");
        }
    }
}
