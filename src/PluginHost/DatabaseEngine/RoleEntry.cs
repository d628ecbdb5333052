using System.Text.Json.Serialization;

namespace PluginHost.DatabaseEngine;

/// <summary>A dynamic role, as stored at <c>role/&lt;name&gt;</c>: which connection, which statements, which TTLs.</summary>
internal sealed record RoleEntry
{
    /// <summary>The connection (<c>config/&lt;db_name&gt;</c>) the role's users are made on.</summary>
    [JsonPropertyName("db_name")]
    public required string DbName { get; init; }

    /// <summary>The statements that create a user.</summary>
    [JsonPropertyName("creation_statements")]
    public IReadOnlyList<string> CreationStatements { get; init; } = [];

    /// <summary>The statements that drop a user (empty: the plugin's default).</summary>
    [JsonPropertyName("revocation_statements")]
    public IReadOnlyList<string> RevocationStatements { get; init; } = [];

    /// <summary>The statements that undo a failed creation.</summary>
    [JsonPropertyName("rollback_statements")]
    public IReadOnlyList<string> RollbackStatements { get; init; } = [];

    /// <summary>The statements that extend a user's expiration (empty: the plugin's default).</summary>
    [JsonPropertyName("renew_statements")]
    public IReadOnlyList<string> RenewStatements { get; init; } = [];

    /// <summary>The credentials' TTL; zero for the mount's default.</summary>
    [JsonPropertyName("default_ttl")]
    [JsonConverter(typeof(SecondsTimeSpanConverter))]
    public TimeSpan DefaultTtl { get; init; }

    /// <summary>The longest the credentials may live, renewals included; zero for the mount's maximum.</summary>
    [JsonPropertyName("max_ttl")]
    [JsonConverter(typeof(SecondsTimeSpanConverter))]
    public TimeSpan MaxTtl { get; init; }
}
