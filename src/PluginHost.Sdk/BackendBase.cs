namespace PluginHost.Sdk;

/// <summary>
/// A starting point for a backend: keeps the <see cref="BackendConfig"/> from setup, refuses requests before it,
/// and gives the optional members of <see cref="IBackend"/> sensible defaults. Override <see cref="HandleAsync"/>.
/// </summary>
/// <remarks>To declare the backend as path patterns with handlers per operation, derive from <see cref="PathBackend"/> instead.</remarks>
/// <example>
/// <code>
/// public sealed class EchoBackend : BackendBase
/// {
///     public override BackendType Type => BackendType.Secret;
///
///     protected override ValueTask&lt;BackendResponse?&gt; HandleAsync(BackendRequest request, CancellationToken cancellationToken) =>
///         ValueTask.FromResult&lt;BackendResponse?&gt;(BackendResponse.WithData([new("path", request.Path)]));
/// }
/// </code>
/// </example>
public abstract class BackendBase : IBackend
{
    // Volatile: the host sets up on one thread and sends requests from others.
    private volatile BackendConfig? _config;

    /// <inheritdoc />
    public abstract BackendType Type { get; }

    /// <inheritdoc />
    public virtual SpecialPaths SpecialPaths => SpecialPaths.None;

    /// <summary>The configuration given at setup.</summary>
    /// <exception cref="InvalidOperationException">The backend has not been set up yet.</exception>
    protected BackendConfig Config => _config
        ?? throw new InvalidOperationException($"{GetType().Name} has not been set up: call SetupAsync with the mount's BackendConfig before sending it requests.");

    /// <summary>The mount's storage view.</summary>
    protected IStorage Storage => Config.Storage;

    /// <inheritdoc />
    public virtual ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);

        // Checked here so a config without storage fails at setup, not at the first request.
        ArgumentNullException.ThrowIfNull(config.Storage, nameof(config) + "." + nameof(config.Storage));
        _config = config;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _ = Config;
        return HandleAsync(request, cancellationToken);
    }

    /// <summary>Handles a request after setup; the path is relative to the mount.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancelled when the caller gives up or the request times out.</param>
    /// <returns>The response, or <see langword="null"/> when there is nothing at the path.</returns>
    protected abstract ValueTask<BackendResponse?> HandleAsync(BackendRequest request, CancellationToken cancellationToken);

    /// <inheritdoc />
    /// <remarks>The default has no existence check: writes stay <see cref="Operation.Update"/>.</remarks>
    public virtual ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult<bool?>(null);

    /// <inheritdoc />
    public virtual ValueTask CleanupAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    /// <remarks>The default caches nothing, so there is nothing to drop.</remarks>
    public virtual ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ValueTask.CompletedTask;
    }
}
