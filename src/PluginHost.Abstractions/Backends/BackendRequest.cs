using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>One request to a backend, with its path relative to the backend's mount.</summary>
/// <remarks>All members are plain JSON-friendly values: the same object crosses the wire to external plugins.</remarks>
public sealed record BackendRequest
{
    /// <summary>The operation requested.</summary>
    [JsonPropertyName("operation")]
    public required Operation Operation { get; init; }

    /// <summary>
    /// The path: relative to the mount when a backend sees it (<c>kv/foo</c>), or the full logical path
    /// (<c>secret/kv/foo</c>, <c>auth/userpass/login/alice</c>) when given to the host.
    /// </summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>The request body (a write's fields, a login's password), or <see langword="null"/>.</summary>
    [JsonPropertyName("data")]
    public IReadOnlyDictionary<string, JsonElement>? Data { get; init; }

    /// <summary>The mount the request was routed to, with its trailing slash (<c>secret/</c>, <c>auth/userpass/</c>). Set by the host.</summary>
    [JsonPropertyName("mount_point")]
    public string MountPoint { get; init; } = "";

    /// <summary>The opaque client token or identity of the caller, when the embedding application has one.</summary>
    [JsonPropertyName("client_token")]
    public string? ClientToken { get; init; }

    /// <summary>
    /// The display name of the caller's token (Vault's <c>display_name</c>: <c>root</c>, <c>token</c>,
    /// <c>userpass-alice</c>), when the caller gave a valid token; for names a plugin makes up, never for decisions.
    /// </summary>
    [JsonPropertyName("display_name")]
    public string? DisplayName { get; init; }

    /// <summary>A unique id for logs and correlation. The host assigns one when empty.</summary>
    [JsonPropertyName("request_id")]
    public string RequestId { get; init; } = "";

    /// <summary>Request headers the embedding application chose to pass on (opt-in), or <see langword="null"/>.</summary>
    [JsonPropertyName("headers")]
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Headers { get; init; }

    /// <summary>
    /// For <see cref="Operation.Renew"/> and <see cref="Operation.Revoke"/>: the secret being renewed or revoked, with the
    /// <see cref="SecretInfo.InternalData"/> the backend issued it with and, for a renewal, the increment as its
    /// <see cref="LeaseOptions.Ttl"/>; otherwise <see langword="null"/>.
    /// </summary>
    [JsonPropertyName("secret")]
    public SecretInfo? Secret { get; init; }

    /// <summary>Returns the string value of field <paramref name="name"/> in <see cref="Data"/>, or <see langword="null"/> when absent or JSON null.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The value as a string; numbers and booleans are given in their JSON text.</returns>
    public string? GetString(string name)
    {
        if (Data is null || !Data.TryGetValue(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };
    }
}
