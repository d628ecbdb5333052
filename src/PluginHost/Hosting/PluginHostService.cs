using PluginHost.Authorization;
using PluginHost.Catalog;
using PluginHost.HighAvailability;
using PluginHost.Mounts;
using PluginHost.Routing;
using PluginHost.Seal;
using PluginHost.SystemPaths;

namespace PluginHost.Hosting;

/// <summary>
/// The default <see cref="IPluginHost"/>: normalises each request's path once, answers the seal's own paths
/// (<c>sys/init</c>, <c>sys/unseal</c>, <c>sys/seal-status</c>) without a token, refuses everything else with
/// <c>Vault is sealed</c> while sealed, and otherwise hands the request to the unsealed <see cref="HostCore"/>.
/// </summary>
internal sealed class PluginHostService(HostSeal seal, UnsealPaths unsealPaths) : IPluginHost, IDisposable
{
    private const string SealPath = SystemBackend.Prefix + SealSystemPaths.SealPath;

    public PluginCatalog Catalog => seal.Core.Catalog;

    public MountTable Mounts => seal.Core.Mounts;

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
        var routed = request with { Path = path, RequestId = RequestIdOf(request), ClientToken = null };
        if (UnsealPaths.Paths.Contains(path))
        {
            // Vault serves these before any token is looked at, sealed or not, and does not audit them.
            var answer = await unsealPaths.HandleAsync(routed, cancellationToken).ConfigureAwait(false);
            return new HostResponse { Response = answer, RequestId = routed.RequestId, Path = path, Operation = routed.Operation, MountType = "system" };
        }

        if (path == LeaderStatus.Path && routed.Operation == Operation.Read)
        {
            // Vault serves it on every node, without a token: how clients and load balancers find the active node.
            var leader = await LeaderStatus.OfAsync(
                seal.HighAvailability, sealedNode: seal.Kind == SealKind.Shamir && seal.Current is null && !seal.IsStandby, cancellationToken).ConfigureAwait(false);
            return new HostResponse { Response = leader, RequestId = routed.RequestId, Path = path, Operation = routed.Operation, MountType = "system" };
        }

        if (path == SealPath && seal.IsStandby && routed.Operation is Operation.Update or Operation.Create)
        {
            await seal.SealStandbyAsync(routed, caller, cancellationToken).ConfigureAwait(false);
            return new HostResponse { Response = null, RequestId = routed.RequestId, Path = path, Operation = routed.Operation, MountType = "system" };
        }

        if (path == SealPath && seal.Kind == SealKind.Shamir && seal.Current is null && !seal.IsStandby && routed.Operation is Operation.Update or Operation.Create)
        {
            // Vault: sealing a sealed node succeeds and does nothing (there is no token store to check a token against).
            return new HostResponse { Response = null, RequestId = routed.RequestId, Path = path, Operation = routed.Operation, MountType = "system" };
        }

        var core = seal.Core;
        var response = await core.HandleAsync(routed, caller, cancellationToken).ConfigureAwait(false);
        if (path == SealPath && routed.Operation is Operation.Update or Operation.Create)
        {
            // Authorized (sudo), checked and audited: sealing now closes the audit devices and stops every plugin.
            await seal.SealAsync(cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    public ValueTask DisposeAsync() => seal.DisposeAsync();

    public void Dispose() => Task.Run(() => seal.DisposeAsync().AsTask()).GetAwaiter().GetResult();

    // The caller's id when it gave one (an HTTP request's), else a new one: what a backend sees as request_id.
    private static string RequestIdOf(BackendRequest request) =>
        string.IsNullOrEmpty(request.RequestId) ? Guid.NewGuid().ToString() : request.RequestId;
}
