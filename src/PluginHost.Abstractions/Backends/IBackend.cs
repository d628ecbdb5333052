namespace PluginHost;

/// <summary>
/// A secrets engine or auth method mounted at a path. Built-in backends implement it in-process; the host-side
/// proxy of an external plugin process implements it by forwarding every call over JSON-RPC.
/// </summary>
/// <remarks>
/// The host calls <see cref="SetupAsync"/> once before any request, then any number of concurrent
/// <see cref="HandleRequestAsync"/> calls, then <see cref="CleanupAsync"/> once when the mount goes away
/// (disable, reload or host shutdown). Errors meant for the caller are thrown as <see cref="PluginHostException"/>.
/// </remarks>
public interface IBackend
{
    /// <summary>Whether this backend is a secrets engine or an auth method.</summary>
    BackendType Type { get; }

    /// <summary>Paths that are unauthenticated or need a root caller.</summary>
    SpecialPaths SpecialPaths { get; }

    /// <summary>Prepares the backend for one mount: keeps its storage view and options.</summary>
    /// <param name="config">The mount's storage view, path, id and options.</param>
    /// <param name="cancellationToken">Cancels the setup.</param>
    /// <returns>A task that completes when the backend can take requests.</returns>
    ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken);

    /// <summary>Handles one request whose <see cref="BackendRequest.Path"/> is relative to the mount.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancelled when the caller gives up or the request times out.</param>
    /// <returns>The response, or <see langword="null"/> when there is nothing at the path.</returns>
    ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken);

    /// <summary>Tells whether the target of a write exists, so the host can call it a create or an update.</summary>
    /// <param name="request">The write request, as <see cref="Operation.Update"/>.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>
    /// <see langword="true"/> when it exists, <see langword="false"/> when it does not (the host then sends
    /// <see cref="Operation.Create"/>), <see langword="null"/> when the path has no existence check (stays an update).
    /// </returns>
    ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken);

    /// <summary>Releases what the backend holds for its mount. Called once; storage is still reachable.</summary>
    /// <param name="cancellationToken">Cancels the cleanup.</param>
    /// <returns>A task that completes when the backend is cleaned up.</returns>
    ValueTask CleanupAsync(CancellationToken cancellationToken);

    /// <summary>Tells the backend that a storage key changed behind its back, so it drops any cached copy.</summary>
    /// <param name="key">The key, relative to the backend's storage view.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when caches are updated.</returns>
    ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken);
}
