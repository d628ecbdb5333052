using System.Text.Json.Serialization;

namespace PluginHost.Mounts;

/// <summary>One mount as declared and persisted: which plugin is mounted where, with its ids and settings.</summary>
/// <remarks>Immutable: enable, remount and tune build a new entry. What the host does with it lives in the mount's runtime state.</remarks>
public sealed record MountEntry
{
    /// <summary>Whether this is a secrets engine (in <c>sys/mounts</c>) or an auth method (in <c>sys/auth</c>).</summary>
    [JsonPropertyName("table")]
    public required BackendType Table { get; init; }

    /// <summary>
    /// The path within its table, with a trailing slash: <c>secret/</c> for a secrets engine, <c>userpass/</c> for an
    /// auth method (which is reached at <see cref="RoutePath"/>, <c>auth/userpass/</c>).
    /// </summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>The catalog name of the mounted plugin (Vault's mount <c>type</c>, such as <c>kv</c>).</summary>
    [JsonPropertyName("type")]
    public required string PluginName { get; init; }

    /// <summary>The catalog version the mount is pinned to, or <see langword="null"/> to follow the catalog's selection.</summary>
    [JsonPropertyName("plugin_version")]
    public string? PluginVersion { get; init; }

    /// <summary>A human-readable description.</summary>
    [JsonPropertyName("description")]
    public string Description { get; init; } = "";

    /// <summary>Vault's <c>local</c> flag, as enabled (<see cref="MountRequest.Local"/>).</summary>
    [JsonPropertyName("local")]
    public bool Local { get; init; }

    /// <summary>Vault's <c>seal_wrap</c> flag, as enabled (<see cref="MountRequest.SealWrap"/>).</summary>
    [JsonPropertyName("seal_wrap")]
    public bool SealWrap { get; init; }

    /// <summary>Vault's <c>external_entropy_access</c> flag, as enabled (<see cref="MountRequest.ExternalEntropyAccess"/>).</summary>
    [JsonPropertyName("external_entropy_access")]
    public bool ExternalEntropyAccess { get; init; }

    /// <summary>The mount's unique id. It names the storage view and survives a remount.</summary>
    [JsonPropertyName("uuid")]
    public required string Uuid { get; init; }

    /// <summary>A short public id, <c>&lt;plugin&gt;_&lt;8 hex&gt;</c>, that can be shown where the uuid should not be.</summary>
    [JsonPropertyName("accessor")]
    public required string Accessor { get; init; }

    /// <summary>The tunable settings.</summary>
    [JsonPropertyName("config")]
    public MountConfig Config { get; init; } = new();

    /// <summary>The full logical path requests use: <see cref="Path"/>, under <c>auth/</c> for auth methods.</summary>
    [JsonIgnore]
    public string RoutePath => Table == BackendType.Auth ? MountPaths.AuthPrefix + Path : Path;

    /// <summary>The prefix of the mount's storage view in the host's storage: <c>logical/&lt;uuid&gt;/</c> or <c>auth/&lt;uuid&gt;/</c>.</summary>
    [JsonIgnore]
    public string StoragePrefix => (Table == BackendType.Auth ? "auth/" : "logical/") + Uuid + "/";
}
