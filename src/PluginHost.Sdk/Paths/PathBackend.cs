namespace PluginHost.Sdk;

/// <summary>
/// A backend declared as data, like one built on Vault's <c>framework</c>: requests and existence checks are routed
/// through the <see cref="PathTable"/> the derived class gives in <see cref="Paths"/>.
/// </summary>
/// <remarks>
/// As with <see cref="BackendBase"/>, requests before <see cref="BackendBase.SetupAsync"/> are refused. A path no route
/// matches is <see cref="ErrorCode.NotFound"/>, an operation the matched route has no handler for is
/// <see cref="ErrorCode.Unsupported"/>, and <see cref="Operation.Help"/> is answered from the declarations.
/// </remarks>
/// <example>
/// <code>
/// public sealed class GreetingBackend : PathBackend
/// {
///     public GreetingBackend() => Paths = new PathTable("Stores greetings.",
///     [
///         new PathRoute
///         {
///             Pattern = new Regex("^greetings/(?&lt;name&gt;[^/]+)$"),
///             Handlers = new Dictionary&lt;Operation, PathHandler&gt; { [Operation.Read] = ReadAsync },
///             Synopsis = "Greet someone.",
///         },
///     ]);
///
///     public override BackendType Type => BackendType.Secret;
///
///     protected override PathTable Paths { get; }
///
///     private ValueTask&lt;BackendResponse?&gt; ReadAsync(BackendRequest request, Match match, CancellationToken cancellationToken) =>
///         ValueTask.FromResult&lt;BackendResponse?&gt;(BackendResponse.WithData([new("hello", match.Groups["name"].Value)]));
/// }
/// </code>
/// </example>
public abstract class PathBackend : BackendBase
{
    /// <summary>The backend's paths; build the table once, in the constructor, since it is read on every request.</summary>
    protected abstract PathTable Paths { get; }

    /// <summary>Routes the request through <see cref="Paths"/>.</summary>
    /// <param name="request">The request; the path is relative to the mount.</param>
    /// <param name="cancellationToken">Cancelled when the caller gives up or the request times out.</param>
    /// <returns>The matched handler's response.</returns>
    /// <exception cref="PluginHostException">The path or the operation is not supported.</exception>
    protected sealed override ValueTask<BackendResponse?> HandleAsync(BackendRequest request, CancellationToken cancellationToken) =>
        Paths.HandleAsync(request, cancellationToken);

    /// <summary>Runs the existence check of the route matching the request's path.</summary>
    /// <param name="request">The write request; the path is relative to the mount.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Whether the target exists, or <see langword="null"/> when the route has no existence check.</returns>
    /// <exception cref="InvalidOperationException">The backend has not been set up yet.</exception>
    /// <exception cref="PluginHostException">No route matches the path.</exception>
    public sealed override ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _ = Config;
        return Paths.ExistenceCheckAsync(request, cancellationToken);
    }
}
