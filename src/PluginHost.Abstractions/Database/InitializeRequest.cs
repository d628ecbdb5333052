using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Database;

/// <summary>The parameters of <see cref="IDatabase.InitializeAsync"/>.</summary>
public sealed record InitializeRequest
{
    // Absent or null on the wire reads as the default: the protocol's source-generated reader would otherwise set null.
    /// <summary>
    /// The connection's configuration: the plugin's own fields from <c>config/NAME</c> (<c>connection_url</c>,
    /// <c>username</c>, <c>password</c>, …), without the engine's (<c>plugin_name</c>, <c>allowed_roles</c>, …).
    /// </summary>
    [JsonPropertyName("config")]
    public IReadOnlyDictionary<string, JsonElement> Config { get; init => field = value ?? new Dictionary<string, JsonElement>(); } = new Dictionary<string, JsonElement>();

    /// <summary>Whether to connect now and fail when the database cannot be reached.</summary>
    [JsonPropertyName("verify_connection")]
    public bool VerifyConnection { get; init; }
}
