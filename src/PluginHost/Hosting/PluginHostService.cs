using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Audit;
using PluginHost.Authorization;
using PluginHost.Catalog;
using PluginHost.Mounts;
using PluginHost.Routing;
using PluginHost.Runtime;
using PluginHost.SystemPaths;
using PluginHost.Tokens;

namespace PluginHost.Hosting;

/// <summary>
/// The default <see cref="IPluginHost"/>: normalises each request's path once, authenticates the caller, authorizes it
/// on that path, routes it (the system paths, the token store, or the mount table's current snapshot), issues a login's
/// token, and answers with the mount it matched.
/// </summary>
internal sealed partial class PluginHostService(
    PluginCatalog catalog,
    MountTable mounts,
    SystemBackend system,
    TokenPaths tokenPaths,
    RequestAuthenticator authenticator,
    LoginTokens logins,
    ClientTokenIds clientTokenIds,
    AuditBroker audit,
    TimeProvider clock,
    IOptionsMonitor<PluginHostOptions> options,
    ILogger<PluginHostService> logger) : IPluginHost, IDisposable
{
    private const string SystemMountType = "system";
    private const string TokenMountType = "token";

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
            return await RouteAsync(routed, principal, trail, cancellationToken).ConfigureAwait(false);
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

    private async ValueTask<HostResponse> RouteAsync(BackendRequest routed, Principal? principal, RequestAudit? trail, CancellationToken cancellationToken)
    {
        var path = routed.Path;
        if (path.StartsWith(SystemBackend.Prefix, StringComparison.Ordinal))
        {
            var relative = path[SystemBackend.Prefix.Length..];
            AccessCheck.Demand(principal, path, routed.Operation, SystemRootPaths.Contains(relative), routed.Data);
            return await HandleCoreAsync(routed, relative, SystemMountType, principal, trail, system.HandleAsync, cancellationToken).ConfigureAwait(false);
        }

        if (TokenPaths.Serves(path))
        {
            var relative = path.Length > TokenPaths.MountPoint.Length ? path[TokenPaths.MountPoint.Length..] : "";
            AccessCheck.Demand(principal, path, routed.Operation, SpecialPathMatch.Any(TokenPaths.RootPaths, relative), routed.Data);
            return await HandleCoreAsync(routed, relative, TokenMountType, principal, trail, tokenPaths.HandleAsync, cancellationToken).ConfigureAwait(false);
        }

        if (!mounts.Routes.TryMatch(path, out var mount))
        {
            // Whoever may not call the path learns nothing, not even that nothing is mounted there.
            AccessCheck.Demand(principal, path, routed.Operation, rootPath: false, routed.Data);
            throw new PluginHostException(ErrorCode.NotFound, $"no handler for route \"{path}\". route entry not found.");
        }

        try
        {
            var lease = await mount.AcquireAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var answer = await HandleMountAsync(lease, mount.Entry, routed, principal, trail, cancellationToken).ConfigureAwait(false);
                lease.RecordServed();
                return answer;
            }
            finally
            {
                lease.Release();
            }
        }
        catch (PluginHostException unavailable) when (unavailable.Code == ErrorCode.Unavailable && !PluginFailureDisclosure.MaySeeDetails(principal))
        {
            // Why a plugin is down (its stderr, paths, digests) is for operators: the log has it under the request id.
            LogUnavailableWithheld(mount.Entry.RoutePath, routed.RequestId, unavailable.Message);
            throw PluginFailureDisclosure.Withheld(routed.RequestId, mount.NextStartAt, clock.GetUtcNow());
        }
    }

    private static async ValueTask<HostResponse> HandleCoreAsync(
        BackendRequest request,
        string relative,
        string mountType,
        Principal? principal,
        RequestAudit? trail,
        Func<BackendRequest, CancellationToken, ValueTask<BackendResponse?>> handle,
        CancellationToken cancellationToken)
    {
        var mountPoint = request.Path[..^relative.Length];
        if (trail is not null)
        {
            await trail.RequestAsync(request.Operation, mountPoint, mountType, null, cancellationToken).ConfigureAwait(false);
        }

        using var scope = CoreRequestScope.Enter(principal);
        var response = await handle(request with { Path = relative, MountPoint = mountPoint }, cancellationToken).ConfigureAwait(false);
        if (trail is not null)
        {
            await trail.ResponseAsync(response, scope.Scope.Issued, cancellationToken).ConfigureAwait(false);
        }

        return new HostResponse
        {
            Response = response,
            RequestId = request.RequestId,
            Path = request.Path,
            Operation = request.Operation,
            MountType = mountType,
            Auth = scope.Scope.Issued,
        };
    }

    private async ValueTask<HostResponse> HandleMountAsync(
        BackendLease lease, MountEntry mount, BackendRequest request, Principal? principal, RequestAudit? trail, CancellationToken cancellationToken)
    {
        var path = request.Path;
        var mountPath = mount.RoutePath;
        var relative = path.Length > mountPath.Length ? path[mountPath.Length..] : "";
        var backend = lease.Backend;
        var unauthenticated = SpecialPathMatch.Any(backend.SpecialPaths.Unauthenticated, relative);
        if (!unauthenticated && request.Operation == Operation.Update)
        {
            AccessCheck.DemandWriteAccess(principal, path);
        }
        else if (!unauthenticated && principal is null)
        {
            throw AccessCheck.Denied();
        }

        var timeout = options.CurrentValue.RequestTimeout;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var routed = request with
            {
                Path = relative,
                MountPoint = mountPath,

                // A backend never sees a token: an HMAC of it keyed for this mount (Vault's salted token id).
                ClientToken = principal?.Token is { } token
                    ? principal.MountTokenIds.TryGetValue(mount.Uuid, out var id)
                        ? id
                        : principal.MountTokenIds[mount.Uuid] = await clientTokenIds.ForMountAsync(token, mount.Uuid, timeoutSource.Token).ConfigureAwait(false)
                    : null,
            };
            if (routed.Operation == Operation.Update
                && await backend.ExistenceCheckAsync(routed, timeoutSource.Token).ConfigureAwait(false) == false)
            {
                routed = routed with { Operation = Operation.Create };
            }

            if (!unauthenticated)
            {
                AccessCheck.Demand(principal, path, routed.Operation, SpecialPathMatch.Any(backend.SpecialPaths.Root, relative), routed.Data);
            }

            if (trail is not null)
            {
                await trail.RequestAsync(routed.Operation, mountPath, mount.PluginName, mount, cancellationToken).ConfigureAwait(false);
            }

            var response = PluginAnswerBounds.Check(await backend.HandleRequestAsync(routed, timeoutSource.Token).ConfigureAwait(false), mountPath);

            // A login's answer earns a token, issued here as Vault's core does: only for an auth method's
            // unauthenticated (login) path, whatever else a backend puts in its answers.
            IssuedToken? issued = null;
            if (response?.Auth is { } auth && mount.Table == BackendType.Auth && unauthenticated)
            {
                (issued, var warning) = await logins.IssueAsync(auth, mount, path, timeoutSource.Token).ConfigureAwait(false);
                if (warning is not null)
                {
                    response = response with { Warnings = [.. response.Warnings ?? [], warning] };
                }
            }

            if (trail is not null)
            {
                await trail.ResponseAsync(response, issued, cancellationToken).ConfigureAwait(false);
            }

            return new HostResponse
            {
                Response = response,
                RequestId = routed.RequestId,
                Path = path,
                Operation = routed.Operation,
                Mount = mount,
                MountType = mount.PluginName,
                Auth = issued,
            };
        }
        catch (PluginHostException answered) when (answered.Message.Length > PluginAnswerBounds.MaxErrorMessageChars)
        {
            throw PluginAnswerBounds.Shortened(answered);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new PluginHostException(
                ErrorCode.Timeout,
                $"request to {path} timed out after {timeout.TotalSeconds:0.###}s; raise PluginHostOptions.RequestTimeout if the backend needs longer");
        }
        catch (Exception ex) when (ex is not PluginHostException and not OperationCanceledException)
        {
            LogBackendFailed(ex, request.RequestId, mountPath, request.Operation);
            throw new PluginHostException(ErrorCode.Internal, $"backend at {mountPath} failed: {ex.Message}", ex);
        }
    }

    // The caller's id when it gave one (an HTTP request's), else a new one: what a backend sees as request_id.
    private static string RequestIdOf(BackendRequest request) =>
        string.IsNullOrEmpty(request.RequestId) ? Guid.NewGuid().ToString() : request.RequestId;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} to {MountPath} failed: {Reason}")]
    private partial void LogUnavailableWithheld(string mountPath, string requestId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId}: the backend at {MountPath} failed a {Operation} request")]
    private partial void LogBackendFailed(Exception exception, string? requestId, string mountPath, Operation operation);
}
