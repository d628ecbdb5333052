using System.Text.Json.Serialization;

namespace PluginHost.Database;

/// <summary>The parameters of <see cref="IDatabase.UpdateUserAsync"/>: at least one of <see cref="Password"/> and <see cref="Expiration"/>.</summary>
public sealed record UpdateUserRequest
{
    /// <summary>The user to change.</summary>
    [JsonPropertyName("username")]
    public required string Username { get; init; }

    /// <summary>A new password, or <see langword="null"/> to keep it.</summary>
    [JsonPropertyName("password")]
    public PasswordChange? Password { get; init; }

    /// <summary>A new expiration, or <see langword="null"/> to keep it.</summary>
    [JsonPropertyName("expiration")]
    public ExpirationChange? Expiration { get; init; }
}

/// <summary>A password change: the new password and the statements that set it (empty: the plugin's default).</summary>
public sealed record PasswordChange
{
    /// <summary>The new password.</summary>
    [JsonPropertyName("new_password")]
    public required string NewPassword { get; init; }

    // Absent or null on the wire reads as the default: the protocol's source-generated reader would otherwise set null.
    /// <summary>The statements that set it: a static role's rotation statements, or a connection's root rotation statements.</summary>
    [JsonPropertyName("statements")]
    public DatabaseStatements Statements { get; init => field = value ?? DatabaseStatements.None; } = DatabaseStatements.None;
}

/// <summary>An expiration change: the new expiration and the statements that set it (empty: the plugin's default).</summary>
public sealed record ExpirationChange
{
    /// <summary>The new expiration (UTC).</summary>
    [JsonPropertyName("new_expiration")]
    public required DateTimeOffset NewExpiration { get; init; }

    /// <summary>The role's renew statements.</summary>
    [JsonPropertyName("statements")]
    public DatabaseStatements Statements { get; init => field = value ?? DatabaseStatements.None; } = DatabaseStatements.None;
}
