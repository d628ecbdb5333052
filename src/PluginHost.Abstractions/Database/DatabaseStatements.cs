using System.Text.Json.Serialization;

namespace PluginHost.Database;

/// <summary>Statements a database plugin runs, as a role lists them (Vault's <c>Statements</c>).</summary>
/// <remarks>
/// Each command may hold several statements separated by <c>;</c> and the placeholders <c>{{name}}</c> (or
/// <c>{{username}}</c>), <c>{{password}}</c> and <c>{{expiration}}</c>, which the plugin fills in. An empty list means
/// the plugin's own default.
/// </remarks>
public sealed record DatabaseStatements
{
    /// <summary>No statements: the plugin's default applies.</summary>
    public static DatabaseStatements None { get; } = new();

    // Absent or null on the wire reads as the default: the protocol's source-generated reader would otherwise set null.
    /// <summary>The commands, in order.</summary>
    [JsonPropertyName("commands")]
    public IReadOnlyList<string> Commands { get; init => field = value ?? []; } = [];
}
