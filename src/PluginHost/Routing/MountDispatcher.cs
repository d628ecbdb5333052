using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Activation;
using PluginHost.Audit;
using PluginHost.Authorization;
using PluginHost.Leases;
using PluginHost.Mounts;
using PluginHost.Tokens;

namespace PluginHost.Routing;

/// <summary>
/// Serves a request on the mount it was routed to: leases the mount's backend, gives the backend the mount-relative
/// path and a per-mount token id instead of the token, runs the existence check that turns an update into a create,
/// authorizes the final operation, bounds the time and the answer, and issues a login's token.
/// </summary>
internal sealed partial class MountDispatcher(
    LoginTokens logins,
    ExpirationManager leases,
    ClientTokenIds clientTokenIds,
    TimeProvider clock,
    IOptionsMonitor<PluginHostOptions> options,
    ILogger<MountDispatcher> logger)
{
    /// <summary>Serves <paramref name="routed"/> on <paramref name="mount"/>.</summary>
    /// <param name="mount">The mount the route table matched.</param>
    /// <param name="routed">The request, with its full normalised path.</param>
    /// <param name="principal">The authenticated caller, or <see langword="null"/> for an anonymous one.</param>
    /// <param name="trail">The request's audit trail, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The backend's answer and the mount.</returns>
    public async ValueTask<HostResponse> DispatchAsync(MountState mount, BackendRequest routed, Principal? principal, RequestAudit? trail, CancellationToken cancellationToken)
    {
        if (principal is null
            && mount.KnownSpecialPaths is { } known
            && !SpecialPathMatch.Any(known.Unauthenticated, RelativePath(routed.Path, mount.Entry.RoutePath)))
        {
            // Without a token only a backend's unauthenticated paths (logins) may be called: anything else is refused
            // before a stopped backend would be started for it, so anonymous callers cannot make the host spawn plugins.
            throw AccessCheck.Denied();
        }

        try
        {
            var lease = await mount.AcquireAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var answer = await HandleAsync(lease, mount.Entry, routed, principal, trail, cancellationToken).ConfigureAwait(false);
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

    private async ValueTask<HostResponse> HandleAsync(
        BackendLease lease, MountEntry mount, BackendRequest request, Principal? principal, RequestAudit? trail, CancellationToken cancellationToken)
    {
        var path = request.Path;
        var mountPath = mount.RoutePath;
        var relative = RelativePath(path, mountPath);
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
                DisplayName = principal?.Token is null ? null : principal.DisplayName,
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

            BackendResponse? response;
            using (var span = PluginHostTelemetry.StartActivity("PluginHost.backend"))
            {
                if (span is { IsAllDataRequested: true })
                {
                    span.SetTag("pluginhost.mount", mountPath);
                    span.SetTag("pluginhost.plugin", mount.PluginName);
                    span.SetTag("pluginhost.operation", routed.Operation.ToString().ToLowerInvariant());
                }

                response = PluginAnswerBounds.Check(await backend.HandleRequestAsync(routed, timeoutSource.Token).ConfigureAwait(false), mountPath);
            }

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

            string? leaseId = null;
            if (response?.Secret is { } secret && mount.Table == BackendType.Secret)
            {
                (response, leaseId) = await LeaseAsync(response, secret, mount, routed, backend, principal, timeoutSource.Token).ConfigureAwait(false);
            }

            if (trail is not null)
            {
                await trail.ResponseAsync(response, issued, cancellationToken).ConfigureAwait(false);
            }

            return new HostResponse
            {
                LeaseId = leaseId,
                Response = response,
                RequestId = routed.RequestId,
                Path = path,
                Operation = routed.Operation,
                Mount = mount,
                MountType = mount.PluginName,
                Auth = issued,
            };
        }
        catch (PluginHostException failed) when (ErrorBounds.IsUnexplained(failed))
        {
            // An internal error (a plugin's relayed 500, a corrupt entry, a storage failure): the HTTP API tells the client
            // only the request id, so the reason is logged here, under that id, bounded like any answer.
            var bounded = ErrorBounds.Bounded(failed);
            LogInternalError(bounded, request.RequestId, mountPath, request.Operation);
            if (ReferenceEquals(bounded, failed))
            {
                throw;
            }

            throw bounded;
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

    // Vault's core: a secret in an answer gets a lease (TTL from the secret, else the mount's or the system's default,
    // capped by the mount's or the system's max), except on kv mounts, whose TTL is advice and is not leased.
    private async ValueTask<(BackendResponse Response, string? LeaseId)> LeaseAsync(
        BackendResponse response, SecretInfo secret, MountEntry mount, BackendRequest routed, IBackend backend, Principal? principal, CancellationToken cancellationToken)
    {
        if (mount.PluginName is "kv" or "generic")
        {
            return (response with { Secret = secret with { Renewable = false } }, null);
        }

        var (mountDefault, max) = mount.Config.LeaseTtls(options.CurrentValue);
        if (secret.MaxTtl > TimeSpan.Zero && secret.MaxTtl < max)
        {
            max = secret.MaxTtl;
        }

        var ttl = secret.Ttl > TimeSpan.Zero ? secret.Ttl : mountDefault;
        var path = mount.RoutePath + routed.Path;
        try
        {
            var lease = await leases.RegisterAsync(path, ttl < max ? ttl : max, max, secret.Renewable, secret.InternalData, principal?.Entry?.Accessor, cancellationToken).ConfigureAwait(false);
            return (response with { Secret = secret with { Ttl = lease.ExpireTime - lease.IssueTime } }, lease.LeaseId);
        }
        catch (Exception failed) when (failed is not OperationCanceledException)
        {
            // A secret the host cannot lease would never be revoked: the backend takes it back now, as Vault's core does.
            try
            {
                await backend.HandleRequestAsync(routed with { Operation = Operation.Revoke, Data = null, Secret = secret }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception revokeFailed)
            {
                LogUnleasedSecretKept(revokeFailed, routed.RequestId, path);
            }

            throw new PluginHostException(ErrorCode.Internal, $"failed to register the lease of the secret read at {path}: {failed.Message}", failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId}: the secret read at {Path} could not be leased nor revoked; its backend still holds it")]
    private partial void LogUnleasedSecretKept(Exception exception, string requestId, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} to {MountPath} failed: {Reason}")]
    private partial void LogUnavailableWithheld(string mountPath, string requestId, string reason);

    private static string RelativePath(string path, string mountPath) => path.Length > mountPath.Length ? path[mountPath.Length..] : "";

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} to {MountPath} failed with an internal error ({Operation})")]
    private partial void LogInternalError(Exception exception, string? requestId, string mountPath, Operation operation);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId}: the backend at {MountPath} failed a {Operation} request")]
    private partial void LogBackendFailed(Exception exception, string? requestId, string mountPath, Operation operation);
}
