using PluginHost.Audit;
using PluginHost.Authorization;
using PluginHost.Mounts;
using PluginHost.SystemPaths;
using PluginHost.Telemetry;

namespace PluginHost.Routing;

/// <summary>
/// Sends an authenticated request, its path already normalised, to what serves it: the system paths, the token store,
/// or the mount the route table matches; authorizes it on that same path before the handler runs.
/// </summary>
internal sealed class Router(MountTable mounts, SystemBackend system, TokenPaths tokenPaths, MountDispatcher dispatcher)
{
    private const string SystemMountType = "system";
    private const string TokenMountType = "token";

    /// <summary>Routes <paramref name="routed"/> and answers with what served it.</summary>
    /// <param name="routed">The request, with its normalised path and request id.</param>
    /// <param name="principal">The authenticated caller, or <see langword="null"/> for an anonymous one.</param>
    /// <param name="trail">The request's audit trail, or <see langword="null"/> when no audit device is enabled.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer and the mount that gave it.</returns>
    public async ValueTask<HostResponse> RouteAsync(BackendRequest routed, Principal? principal, RequestAudit? trail, CancellationToken cancellationToken)
    {
        using var span = PluginHostTelemetry.StartActivity("PluginHost.route");
        var measured = RequestMeasurement.Start(routed.Operation, span);
        string? served = null;
        try
        {
            var answer = await RouteCoreAsync(routed, principal, trail, cancellationToken).ConfigureAwait(false);
            measured.Succeeded(answer.Response, answer.Auth is not null);
            served = answer.Mount?.RoutePath;
            return answer;
        }
        catch (Exception error)
        {
            measured.Failed(error);
            throw;
        }
        finally
        {
            measured.Stop(served ?? MountOf(routed.Path));
        }
    }

    // The mount a path belongs to, as a metrics tag (when the answer did not say): bounded by the mounts that exist,
    // never the request's own path.
    private string MountOf(string path) =>
        path.StartsWith(SystemBackend.Prefix, StringComparison.Ordinal) ? SystemBackend.Prefix
        : TokenPaths.Serves(path) ? TokenPaths.MountPoint
        : mounts.Routes.TryMatch(path, out var mount) ? mount.Entry.RoutePath
        : "";

    private async ValueTask<HostResponse> RouteCoreAsync(BackendRequest routed, Principal? principal, RequestAudit? trail, CancellationToken cancellationToken)
    {
        var path = routed.Path;
        if (path.StartsWith(SystemBackend.Prefix, StringComparison.Ordinal))
        {
            var relative = path[SystemBackend.Prefix.Length..];
            if (!MountSystemPaths.IsPreflight(relative, routed.Operation))
            {
                AccessCheck.Demand(principal, path, routed.Operation, SystemRootPaths.Contains(relative), routed.Data);
            }

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

        return await dispatcher.DispatchAsync(mount, routed, principal, trail, cancellationToken).ConfigureAwait(false);
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
            LeaseId = scope.Scope.LeaseId,
        };
    }
}
