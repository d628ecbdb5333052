namespace PluginHost.Leases;

/// <summary>What the expiration manager asks of the backend that issued a lease: Vault's renew and revoke operations.</summary>
internal interface ILeaseBackend
{
    /// <summary>Revokes the secret behind <paramref name="lease"/> (drops the database user, …); must succeed for one already gone.</summary>
    /// <exception cref="Exception">The backend could not revoke it now: the manager keeps the lease and retries.</exception>
    ValueTask RevokeAsync(LeaseEntry lease, CancellationToken cancellationToken);

    /// <summary>Extends the secret behind <paramref name="lease"/> by <paramref name="increment"/> (already capped); answers the TTL the backend grants.</summary>
    ValueTask<TimeSpan> RenewAsync(LeaseEntry lease, TimeSpan increment, CancellationToken cancellationToken);
}
