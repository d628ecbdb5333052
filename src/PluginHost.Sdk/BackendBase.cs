namespace PluginHost.Sdk;

/// <summary>
/// A starting point for a backend: keeps the <see cref="BackendConfig"/> from setup, refuses requests before it,
/// and gives the optional members of <see cref="IBackend"/> sensible defaults. Override <see cref="HandleAsync"/>.
/// </summary>
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
    private BackendConfig? _config;

    /// <inheritdoc />
    public abstract BackendType Type { get; }

    /// <inheritdoc />
    public virtual SpecialPaths SpecialPaths => SpecialPaths.None;

    /// <summary>The configuration given at setup.</summary>
    /// <exception cref="InvalidOperationException">The backend has not been set up yet.</exception>
    protected BackendConfig Config => _config
        ?? throw new InvalidOperationException($"{GetType().Name} has not been set up; the host calls SetupAsync before any request");

    /// <summary>The mount's storage view.</summary>
    protected IStorage Storage => Config.Storage;

    /// <inheritdoc />
    public virtual ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
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
    public virtual ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
