using PluginHost.Mounts;
using PluginHost.Tokens;

namespace PluginHost.Routing;

/// <summary>
/// The host's answer to an authorized request: the backend's response, and what the host decided on the way — the
/// normalised path, the operation after the existence check, the mount it routed to, and a token it issued — so a
/// front end writes its answer without asking the mount table again.
/// </summary>
public sealed record HostResponse
{
    /// <summary>The backend's response, or <see langword="null"/> when there is nothing at the path (a read) or nothing to say (a write).</summary>
    public BackendResponse? Response { get; init; }

    /// <summary>The request id the backend saw.</summary>
    public required string RequestId { get; init; }

    /// <summary>The full logical path as the host normalised, authorized and routed it.</summary>
    public required string Path { get; init; }

    /// <summary>The operation as authorized: a write is <see cref="Operation.Create"/> or <see cref="Operation.Update"/> after the existence check.</summary>
    public required Operation Operation { get; init; }

    /// <summary>The mount the request was routed to; <see langword="null"/> for the host's own paths (<c>sys/</c>, <c>auth/token/</c>).</summary>
    public MountEntry? Mount { get; init; }

    /// <summary>What Vault calls the request's <c>mount_type</c>: <c>system</c>, <c>token</c>, or the mounted plugin's name.</summary>
    public required string MountType { get; init; }

    /// <summary>A token the request earned (a login, <c>auth/token/create</c>) or renewed, for the answer's <c>auth</c> block; else null.</summary>
    public IssuedToken? Auth { get; init; }

    /// <summary>
    /// The lease the host registered for the answer's secret (Vault's <c>lease_id</c>), or <see langword="null"/>:
    /// no secret, or a kv mount, whose TTL is advice and never leased (as in Vault).
    /// </summary>
    public string? LeaseId { get; init; }
}
