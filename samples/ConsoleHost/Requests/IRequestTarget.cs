namespace PluginHost.ConsoleHost.Requests;

/// <summary>
/// Where plugin-host sends its logical requests: an embedded host today (<see cref="Hosting.EmbeddedTarget"/>),
/// a plugin-host server over HTTP later. Every command is a read, write, list or delete of a path through it.
/// </summary>
internal interface IRequestTarget : IAsyncDisposable
{
    /// <summary>Sends one request by its full logical path (<c>sys/mounts/kv</c>, <c>kv/foo</c>).</summary>
    /// <returns>The answer, or <see langword="null"/> when there is nothing at the path.</returns>
    /// <exception cref="ResponseException">The host or a backend refused the request (Vault's <c>api.ResponseError</c>).</exception>
    /// <exception cref="TargetUnavailableException">The host could not be reached or opened (no request was made).</exception>
    Task<BackendResponse?> SendAsync(BackendRequest request, CancellationToken cancellationToken);
}
