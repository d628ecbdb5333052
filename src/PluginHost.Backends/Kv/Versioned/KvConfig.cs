using System.Text.Json.Serialization;

namespace PluginHost.Backends;

/// <summary>A kv v2 mount's settings (<c>config</c>): the defaults every key's metadata can override.</summary>
internal sealed record KvConfig
{
    /// <summary>How many versions Vault keeps when neither the mount nor the key says.</summary>
    public const int DefaultMaxVersions = 10;

    /// <summary>How many versions each key keeps; 0 means <see cref="DefaultMaxVersions"/>.</summary>
    [JsonPropertyName("max_versions")]
    public long MaxVersions { get; init; }

    /// <summary>Whether every write to every key must give <c>options.cas</c>.</summary>
    [JsonPropertyName("cas_required")]
    public bool CasRequired { get; init; }

    /// <summary>Seconds after which a new version is soft-deleted; 0 for never.</summary>
    [JsonPropertyName("delete_version_after")]
    public long DeleteVersionAfterSeconds { get; init; }
}
