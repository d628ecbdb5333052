using System.Text.Json.Serialization;

namespace PluginHost.Database;

/// <summary>The parameters of <see cref="IDatabase.DeleteUserAsync"/>.</summary>
public sealed record DeleteUserRequest
{
    /// <summary>The user to drop.</summary>
    [JsonPropertyName("username")]
    public required string Username { get; init; }

    // Absent or null on the wire reads as the default: the protocol's source-generated reader would otherwise set null.
    /// <summary>The role's revocation statements (empty: the plugin's default).</summary>
    [JsonPropertyName("statements")]
    public DatabaseStatements Statements { get; init => field = value ?? DatabaseStatements.None; } = DatabaseStatements.None;
}
