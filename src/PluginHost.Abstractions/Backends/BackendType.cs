using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>The kind of backend a plugin provides, which decides where it can be mounted.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BackendType>))]
public enum BackendType
{
    /// <summary>Not set. Never valid for a catalog entry or a mount.</summary>
    [JsonStringEnumMemberName("unknown")]
    Unknown = 0,

    /// <summary>A secrets engine, mounted outside <c>auth/</c> (Vault's <c>secret</c> type).</summary>
    [JsonStringEnumMemberName("secret")]
    Secret = 1,

    /// <summary>An auth method, mounted under <c>auth/</c>.</summary>
    [JsonStringEnumMemberName("auth")]
    Auth = 2,

    /// <summary>A database plugin. Known to the catalog; it cannot be mounted directly.</summary>
    [JsonStringEnumMemberName("database")]
    Database = 3,
}
