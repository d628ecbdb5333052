namespace PluginHost.Cli.Requests;

/// <summary>
/// Where plugin-host sends its logical requests: an embedded host (<see cref="Hosting.EmbeddedTarget"/>), or a
/// plugin-host server over HTTP (<see cref="Hosting.HttpTarget"/>). Every command is a read, write, list or delete of a
/// path through it.
/// </summary>
internal interface IRequestTarget : IAsyncDisposable
{
    /// <summary>
    /// Whether the requests go to a running server (client mode) rather than to a host this process opens on the data
    /// directory. The seal's commands (<c>operator init</c>, <c>unseal</c>, <c>seal</c>, <c>status</c>) need a server.
    /// </summary>
    bool IsRemote { get; }

    /// <summary>
    /// Sends one request by its full logical path (<c>sys/mounts/kv</c>, <c>kv/foo</c>). A request whose
    /// <see cref="BackendRequest.ClientToken"/> is set is sent as that token (<c>login TOKEN</c> checks a token that way);
    /// otherwise as the target's own caller: the application itself when embedded, the configured token over HTTP.
    /// </summary>
    /// <returns>The answer, or <see langword="null"/> when there is nothing at the path.</returns>
    /// <exception cref="ResponseException">The host or a backend refused the request (Vault's <c>api.ResponseError</c>).</exception>
    /// <exception cref="TargetUnavailableException">The host could not be reached or opened (no request was made).</exception>
    Task<TargetResponse?> SendAsync(BackendRequest request, CancellationToken cancellationToken);
}
