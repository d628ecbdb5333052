using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.DatabaseEngine;

/// <summary>One connection of the <c>database</c> engine, as stored at <c>config/&lt;name&gt;</c> in the mount's storage.</summary>
internal sealed record ConnectionConfig
{
    /// <summary>The database plugin's catalog name (type <c>database</c>).</summary>
    [JsonPropertyName("plugin_name")]
    public required string PluginName { get; init; }

    /// <summary>The plugin version asked for, or <see langword="null"/> for the catalog's choice.</summary>
    [JsonPropertyName("plugin_version")]
    public string? PluginVersion { get; init; }

    /// <summary>Whether writing the configuration connects to check it.</summary>
    [JsonPropertyName("verify_connection")]
    public bool VerifyConnection { get; init; } = true;

    /// <summary>The roles that may use this connection; <c>*</c> and globs allowed; empty means none.</summary>
    [JsonPropertyName("allowed_roles")]
    public IReadOnlyList<string> AllowedRoles { get; init; } = [];

    /// <summary>The statements <c>rotate-root</c> changes the root password with (empty: the plugin's default).</summary>
    [JsonPropertyName("root_credentials_rotate_statements")]
    public IReadOnlyList<string> RootRotationStatements { get; init; } = [];

    /// <summary>Vault's password policy name; only empty is supported.</summary>
    [JsonPropertyName("password_policy")]
    public string PasswordPolicy { get; init; } = "";

    /// <summary>The plugin's own fields (<c>connection_url</c>, <c>username</c>, <c>password</c>, …) as the plugin last returned them.</summary>
    [JsonPropertyName("connection_details")]
    public IReadOnlyDictionary<string, JsonElement> ConnectionDetails { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>
    /// The new root password while a <c>rotate-root</c> is in flight (written before the database is changed), so a host
    /// that stops half way can still connect with whichever password the database holds.
    /// </summary>
    [JsonPropertyName("pending_root_password")]
    public string? PendingRootPassword { get; init; }

    /// <summary>
    /// The details a read may show: never the password (nor a private key), and a password written into
    /// <c>connection_url</c> itself rather than as <c>{{password}}</c> masked.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> ShownDetails =>
        ConnectionDetails
            .Where(d => d.Key is not ("password" or "private_key"))
            .ToDictionary(
                d => d.Key,
                d => d.Key == "connection_url" && d.Value.ValueKind == JsonValueKind.String
                    ? JsonSerializer.SerializeToElement(ConnectionUrlMask.Mask(d.Value.GetString()!), DatabaseJsonContext.Default.String)
                    : d.Value,
                StringComparer.Ordinal);

    /// <summary>A string field of <see cref="ConnectionDetails"/>, or <see langword="null"/>.</summary>
    public string? Detail(string name) =>
        ConnectionDetails.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>This configuration with the detail <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public ConnectionConfig WithDetail(string name, string value) => this with
    {
        ConnectionDetails = new Dictionary<string, JsonElement>(ConnectionDetails, StringComparer.Ordinal) { [name] = JsonSerializer.SerializeToElement(value, DatabaseJsonContext.Default.String) },
    };

    /// <summary>Whether the role <paramref name="role"/> may use this connection (Vault's glob match on <see cref="AllowedRoles"/>).</summary>
    public bool Allows(string role) => AllowedRoles.Any(pattern => Glob.Matches(pattern, role));
}
