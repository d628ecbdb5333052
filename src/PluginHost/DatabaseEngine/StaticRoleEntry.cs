using System.Text.Json.Serialization;

namespace PluginHost.DatabaseEngine;

/// <summary>A static role, as stored at <c>static-role/&lt;name&gt;</c>: an existing database user whose password the engine rotates.</summary>
internal sealed record StaticRoleEntry
{
    /// <summary>The connection the user lives on.</summary>
    [JsonPropertyName("db_name")]
    public required string DbName { get; init; }

    /// <summary>The existing database user.</summary>
    [JsonPropertyName("username")]
    public required string Username { get; init; }

    /// <summary>How often the password is rotated.</summary>
    [JsonPropertyName("rotation_period")]
    [JsonConverter(typeof(SecondsTimeSpanConverter))]
    public TimeSpan RotationPeriod { get; init; }

    /// <summary>The statements that set the password (empty: the plugin's default).</summary>
    [JsonPropertyName("rotation_statements")]
    public IReadOnlyList<string> RotationStatements { get; init; } = [];

    /// <summary>The current password, or <see langword="null"/> before the first rotation.</summary>
    [JsonPropertyName("password")]
    public string? Password { get; init; }

    /// <summary>When the engine last set the password.</summary>
    [JsonPropertyName("last_vault_rotation")]
    public DateTimeOffset? LastVaultRotation { get; init; }

    /// <summary>The password a rotation in flight is setting; a rotation left half done is retried at once.</summary>
    [JsonPropertyName("pending_password")]
    public string? PendingPassword { get; init; }

    /// <summary>When the next rotation is due.</summary>
    public DateTimeOffset NextRotation(DateTimeOffset now) =>
        PendingPassword is not null || LastVaultRotation is not { } last ? now : last + RotationPeriod;
}
