using System.Text.Json.Serialization;

namespace PluginHost.Database;

/// <summary>The answer of <see cref="IDatabase.NewUserAsync"/>.</summary>
public sealed record NewUserResponse
{
    /// <summary>The user name that was created.</summary>
    [JsonPropertyName("username")]
    public required string Username { get; init; }
}
