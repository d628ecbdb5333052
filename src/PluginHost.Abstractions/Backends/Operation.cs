using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>What a request asks a backend to do (Vault's logical operations).</summary>
/// <remarks>
/// A client's <em>write</em> arrives as <see cref="Update"/>; the host asks the backend's existence check and
/// turns it into <see cref="Create"/> when the target does not exist yet, as Vault does.
/// </remarks>
[JsonConverter(typeof(JsonStringEnumConverter<Operation>))]
public enum Operation
{
    /// <summary>Write to a path that does not exist yet.</summary>
    [JsonStringEnumMemberName("create")]
    Create = 1,

    /// <summary>Read a path.</summary>
    [JsonStringEnumMemberName("read")]
    Read = 2,

    /// <summary>Write to a path that exists (or whose backend has no existence check).</summary>
    [JsonStringEnumMemberName("update")]
    Update = 3,

    /// <summary>Delete a path.</summary>
    [JsonStringEnumMemberName("delete")]
    Delete = 4,

    /// <summary>List the keys below a path; the answer carries <c>data.keys</c>.</summary>
    [JsonStringEnumMemberName("list")]
    List = 5,

    /// <summary>Ask for the help text of a path.</summary>
    [JsonStringEnumMemberName("help")]
    Help = 6,

    /// <summary>
    /// Extend a secret the backend issued (Vault's renew): sent by the host's expiration manager with
    /// <see cref="BackendRequest.Secret"/> (its internal data, and the increment as its TTL) on the path that issued it.
    /// </summary>
    [JsonStringEnumMemberName("renew")]
    Renew = 7,

    /// <summary>
    /// Revoke a secret the backend issued (Vault's revoke): sent at the lease's expiry or on request, with
    /// <see cref="BackendRequest.Secret"/>; must succeed for a secret already gone.
    /// </summary>
    [JsonStringEnumMemberName("revoke")]
    Revoke = 8,

    /// <summary>
    /// Change part of a path's data (Vault's patch, HTTP <c>PATCH</c> with a JSON merge patch body, RFC 7396): the
    /// backend merges <see cref="BackendRequest.Data"/> into what it holds. Needs the <c>patch</c> capability.
    /// </summary>
    [JsonStringEnumMemberName("patch")]
    Patch = 9,
}
