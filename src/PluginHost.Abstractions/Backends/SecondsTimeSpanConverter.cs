using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>Writes a <see cref="TimeSpan"/> as whole seconds, the unit Vault uses for every TTL on the wire.</summary>
internal sealed class SecondsTimeSpanConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TimeSpan.FromSeconds(reader.GetInt64());

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteNumberValue((long)value.TotalSeconds);
}
