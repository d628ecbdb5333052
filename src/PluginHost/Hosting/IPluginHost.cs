using PluginHost.Authorization;
using PluginHost.Catalog;
using PluginHost.Mounts;
using PluginHost.Routing;

namespace PluginHost.Hosting;

/// <summary>
/// A plugin host: its catalog, its mount table, and one entry point that authorizes a request and routes its logical
/// path to the backend mounted there (or to the host's own <c>sys/</c> and <c>auth/token/</c> paths). Get it from
/// dependency injection after <c>services.AddPluginHost(…)</c>.
/// </summary>
/// <example>
/// <code>
/// await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" });
/// await host.WriteAsync("secret/hello", new { value = "world" });              // as the application itself
/// var answer = await host.HandleRequestAsync(
///     new BackendRequest { Operation = Operation.Read, Path = "secret/hello" },
///     RequestCaller.FromToken(clientToken));                                    // as a client: its policies decide
/// </code>
/// </example>
public interface IPluginHost : IAsyncDisposable
{
    /// <summary>The plugins this host can mount. A Shamir-sealed host makes a new one at each unseal.</summary>
    /// <exception cref="PluginHostException">The host is sealed (503 <c>Vault is sealed</c>).</exception>
    PluginCatalog Catalog { get; }

    /// <summary>The secrets engines and auth methods mounted in this host. A Shamir-sealed host makes a new one at each unseal.</summary>
    /// <exception cref="PluginHostException">The host is sealed (503 <c>Vault is sealed</c>).</exception>
    MountTable Mounts { get; }

    /// <summary>
    /// Serves a request for <paramref name="caller"/>: normalises the path once (leading and repeated <c>/</c>; <c>.</c>
    /// and <c>..</c> are refused), authenticates the caller, authorizes it with its ACL policies on exactly that path
    /// (<c>sudo</c> too on root-protected paths), routes it, and issues a token when it is a login. A write is sent as
    /// <see cref="Operation.Update"/> and becomes <see cref="Operation.Create"/> when the backend's existence check says
    /// the target is new; the capability checked is the one of the final operation. Backends see an HMAC of the caller's
    /// token keyed per mount, never the token.
    /// </summary>
    /// <param name="request">The request, with <see cref="BackendRequest.Path"/> the full logical path. Its <see cref="BackendRequest.ClientToken"/> is ignored: the caller says who asks.</param>
    /// <param name="caller">Who asks.</param>
    /// <param name="cancellationToken">Cancels the request; the backend sees the cancellation.</param>
    /// <returns>The backend's answer with the path, operation and mount the host used, and any token it issued.</returns>
    /// <exception cref="PluginHostException">
    /// The host is sealed and the path is not <c>sys/init</c>, <c>sys/unseal</c> or <c>sys/seal-status</c> (Unavailable,
    /// <c>Vault is sealed</c>), the caller may not make the request (Forbidden, <c>permission denied</c>), the path is malformed (BadRequest), no
    /// mount matches (NotFound), the mount is changing or its plugin cannot run (Unavailable), the request timed out
    /// (Timeout), or the backend refused it (its own code).
    /// </exception>
    ValueTask<HostResponse> HandleRequestAsync(BackendRequest request, RequestCaller caller, CancellationToken cancellationToken = default);

    /// <summary>
    /// Serves a request as the application itself (<see cref="RequestCaller.Application"/>: every capability), for an
    /// application's own calls. Use <see cref="HandleRequestAsync(BackendRequest, RequestCaller, CancellationToken)"/>
    /// for requests that come from anyone else.
    /// </summary>
    /// <param name="request">The request, with <see cref="BackendRequest.Path"/> the full logical path.</param>
    /// <param name="cancellationToken">Cancels the request; the backend sees the cancellation.</param>
    /// <returns>The backend's response, or <see langword="null"/> when there is nothing at the path.</returns>
    /// <exception cref="ArgumentException"><see cref="BackendRequest.ClientToken"/> is set (pass the caller instead).</exception>
    /// <exception cref="PluginHostException">As for the overload with a caller.</exception>
    ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken);
}
