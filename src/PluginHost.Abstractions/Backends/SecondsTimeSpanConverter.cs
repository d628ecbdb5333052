using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>Reads and writes a <see cref="TimeSpan"/> as whole seconds, the unit Vault uses for every TTL on the wire.</summary>
/// <example><c>[JsonConverter(typeof(SecondsTimeSpanConverter))] public TimeSpan Ttl { get; init; }</c></example>
public sealed class SecondsTimeSpanConverter : JsonConverter<TimeSpan>
{
    /// <inheritdoc />
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TimeSpan.FromSeconds(reader.GetInt64());

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteNumberValue((long)value.TotalSeconds);
}
