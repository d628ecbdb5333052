using Microsoft.Extensions.Options;
using PluginHost.Leases;
using PluginHost.Mounts;

namespace PluginHost.Routing;

/// <summary>
/// Renews and revokes a lease through the backend mounted where it was issued: <see cref="Operation.Renew"/> or
/// <see cref="Operation.Revoke"/> on the issuing path, with the secret's internal data, under the request timeout. A
/// backend that has no revoke for the secret (405) has nothing to clean up; one with no renew makes the lease not
/// renewable. With no mount at the path any more, the revocation fails, so the lease is kept (revoke-force drops it).
/// </summary>
internal sealed class MountLeaseBackend(MountTable mounts, IOptionsMonitor<PluginHostOptions> options, TimeProvider clock) : ILeaseBackend
{
    public async ValueTask RevokeAsync(LeaseEntry lease, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(lease, Operation.Revoke, lease.TtlAt(clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException unsupported) when (unsupported.Code == ErrorCode.Unsupported)
        {
            // The backend keeps nothing for this secret to undo.
        }
    }

    public async ValueTask<TimeSpan> RenewAsync(LeaseEntry lease, TimeSpan increment, CancellationToken cancellationToken)
    {
        BackendResponse? answer;
        try
        {
            answer = await SendAsync(lease, Operation.Renew, increment, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException unsupported) when (unsupported.Code == ErrorCode.Unsupported)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "lease is not renewable: its backend does not renew this secret");
        }

        // The backend may grant less than asked; it cannot grant more.
        return answer?.Secret is { Ttl: var granted } && granted > TimeSpan.Zero && granted < increment ? granted : increment;
    }

    private async ValueTask<BackendResponse?> SendAsync(LeaseEntry lease, Operation operation, TimeSpan ttl, CancellationToken cancellationToken)
    {
        if (!mounts.Routes.TryMatch(lease.Path, out var mount))
        {
            throw new PluginHostException(
                ErrorCode.Unavailable,
                $"no mount serves {lease.Path} any more: the lease is kept until its backend can revoke it (sys/leases/revoke-force drops it without)");
        }

        var mountPath = mount.Entry.RoutePath;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CurrentValue.RequestTimeout);
        var held = await mount.AcquireAsync(timeout.Token).ConfigureAwait(false);
        try
        {
            return await held.Backend.HandleRequestAsync(
                new BackendRequest
                {
                    Operation = operation,
                    Path = lease.Path.Length > mountPath.Length ? lease.Path[mountPath.Length..] : "",
                    MountPoint = mountPath,
                    RequestId = Guid.NewGuid().ToString(),
                    Secret = new SecretInfo { Ttl = ttl, Renewable = lease.Renewable, InternalData = lease.InternalData },
                },
                timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            held.Release();
        }
    }
}
