using System.Text.Json.Serialization;

namespace PluginHost.Database;

/// <summary>The parameters of <see cref="IDatabase.NewUserAsync"/>.</summary>
public sealed record NewUserRequest
{
    // Absent or null on the wire reads as the default: the protocol's source-generated reader would otherwise set null.
    /// <summary>What the plugin may put in the user name it makes up.</summary>
    [JsonPropertyName("username_config")]
    public UsernameMetadata UsernameConfig { get; init => field = value ?? new(); } = new();

    /// <summary>The password the host generated for the user.</summary>
    [JsonPropertyName("password")]
    public required string Password { get; init; }

    /// <summary>When the credentials expire (UTC): the lease's end, for the database's own expiry (<c>VALID UNTIL</c>).</summary>
    [JsonPropertyName("expiration")]
    public required DateTimeOffset Expiration { get; init; }

    /// <summary>The role's creation statements.</summary>
    [JsonPropertyName("statements")]
    public DatabaseStatements Statements { get; init => field = value ?? DatabaseStatements.None; } = DatabaseStatements.None;

    /// <summary>The role's rollback statements, run when creation fails part way.</summary>
    [JsonPropertyName("rollback_statements")]
    public DatabaseStatements RollbackStatements { get; init => field = value ?? DatabaseStatements.None; } = DatabaseStatements.None;
}

/// <summary>Hints for a generated user name (Vault's <c>UsernameMetadata</c>).</summary>
public sealed record UsernameMetadata
{
    /// <summary>The display name of the token that asked for the credentials, such as <c>token</c> or <c>userpass-alice</c>.</summary>
    [JsonPropertyName("display_name")]
    public string DisplayName { get; init => field = value ?? ""; } = "";

    /// <summary>The name of the role the credentials are for.</summary>
    [JsonPropertyName("role_name")]
    public string RoleName { get; init => field = value ?? ""; } = "";
}
