using System.Text.Json.Serialization;

namespace PluginHost.Benchmarks.BareChild;

// The bare child's wire types; the harness compiles this same file (linked), so both ends agree by construction.

/// <summary>The parameters of the bare child's calls, shaped like the protocol's <c>storage.get</c>.</summary>
public sealed class ChildParams
{
    [JsonPropertyName("instance_id")]
    public string? InstanceId { get; init; }

    [JsonPropertyName("key")]
    public string? Key { get; init; }
}

/// <summary>The answer of the bare child's calls.</summary>
public sealed class ChildResult
{
    [JsonPropertyName("value")]
    public string? Value { get; init; }
}
