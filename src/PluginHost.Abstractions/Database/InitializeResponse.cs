using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Database;

/// <summary>The answer of <see cref="IDatabase.InitializeAsync"/>.</summary>
public sealed record InitializeResponse
{
    /// <summary>The configuration the host stores and gives back at the next initialization (usually the one it sent).</summary>
    [JsonPropertyName("config")]
    public IReadOnlyDictionary<string, JsonElement> Config { get; init; } = new Dictionary<string, JsonElement>();
}
