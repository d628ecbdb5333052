using PluginHost.Audit;
using PluginHost.Authorization;
using PluginHost.Catalog;
using PluginHost.Mounts;
using PluginHost.Routing;

namespace PluginHost.Hosting;

/// <summary>
/// The default <see cref="IPluginHost"/>: normalises each request's path once, waits for the mounts and audit devices
/// to be restored, authenticates the caller, opens the audit trail, and hands the request to the <see cref="Router"/>.
/// </summary>
internal sealed class PluginHostService(
    PluginCatalog catalog,
    MountTable mounts,
    Router router,
    RequestAuthenticator authenticator,
    AuditBroker audit,
    TimeProvider clock) : IPluginHost, IDisposable
{
    private Task? _auditRestored;

    public PluginCatalog Catalog => catalog;

    public MountTable Mounts => mounts;

    public async ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ClientToken is not null)
        {
            throw new ArgumentException(
                "BackendRequest.ClientToken is set: pass the caller as HandleRequestAsync(request, RequestCaller.FromToken(token)) so the host authenticates it; this overload acts as the application itself",
                nameof(request));
        }

        return (await HandleRequestAsync(request, RequestCaller.Application, cancellationToken).ConfigureAwait(false)).Response;
    }

    public async ValueTask<HostResponse> HandleRequestAsync(BackendRequest request, RequestCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var path = LogicalPath.Normalize(request.Path);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var principal = await authenticator.AuthenticateAsync(caller, cancellationToken).ConfigureAwait(false);
        var routed = request with { Path = path, RequestId = RequestIdOf(request), ClientToken = null };
        var trail = RequestAudit.Begin(audit, clock, principal, caller, routed);
        try
        {
            return await router.RouteAsync(routed, principal, trail, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (trail is not null && error is not OperationCanceledException)
        {
            await trail.FailedAsync(error.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => mounts.DisposeAsync();

    public void Dispose() => mounts.Dispose();

    private Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        var restoring = mounts.EnsureRestoredAsync(cancellationToken);
        var ready = LazyInitializer.EnsureInitialized(ref _auditRestored, () => audit.RestoreAsync(CancellationToken.None));
        if (ready.IsFaulted)
        {
            // A storage failure is not remembered: the next request tries again.
            Interlocked.CompareExchange(ref _auditRestored, null, ready);
        }

        return restoring.IsCompletedSuccessfully && ready.IsCompletedSuccessfully
            ? Task.CompletedTask
            : Task.WhenAll(restoring, ready.WaitAsync(cancellationToken));
    }

    // The caller's id when it gave one (an HTTP request's), else a new one: what a backend sees as request_id.
    private static string RequestIdOf(BackendRequest request) =>
        string.IsNullOrEmpty(request.RequestId) ? Guid.NewGuid().ToString() : request.RequestId;
}
