using System.Text.Json.Serialization;

namespace PluginHost.Backends;

/// <summary>What kv v2 keeps about one version of a key, in the key's metadata.</summary>
internal sealed record KvVersion
{
    /// <summary>When the version was written.</summary>
    [JsonPropertyName("created_time")]
    public required DateTimeOffset CreatedTime { get; init; }

    /// <summary>When the version is (or was) soft-deleted; <see langword="null"/> when it is not deleted.</summary>
    [JsonPropertyName("deletion_time")]
    public DateTimeOffset? DeletionTime { get; init; }

    /// <summary>Whether the version's data is gone for good.</summary>
    [JsonPropertyName("destroyed")]
    public bool Destroyed { get; init; }

    /// <summary>Whether the version cannot be read at <paramref name="now"/>: destroyed, or deleted at or before it.</summary>
    public bool IsGone(DateTimeOffset now) => Destroyed || DeletionTime <= now;

    /// <summary>The version as Vault answers it (<c>created_time</c>, <c>deletion_time</c>, <c>destroyed</c>).</summary>
    public IEnumerable<KeyValuePair<string, object?>> Describe() =>
    [
        new("created_time", KvTime.Format(CreatedTime)),
        new("deletion_time", KvTime.Format(DeletionTime)),
        new("destroyed", Destroyed),
    ];
}
