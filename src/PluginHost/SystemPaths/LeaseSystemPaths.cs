using System.Globalization;
using System.Text.RegularExpressions;
using PluginHost.Authorization;
using PluginHost.Leases;
using PluginHost.Sdk;

namespace PluginHost.SystemPaths;

/// <summary>
/// Vault's <c>sys/leases/…</c> (and the older <c>sys/renew</c>, <c>sys/revoke…</c>) over the
/// <see cref="ExpirationManager"/>: lookup, list by prefix, renew, revoke, revoke-prefix and revoke-force (sudo), tidy.
/// </summary>
internal sealed partial class LeaseSystemPaths(ExpirationManager leases)
{
    private static readonly IReadOnlyDictionary<string, FieldSchema> LeaseFields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
    {
        ["lease_id"] = new() { Type = FieldType.String, Description = "The lease's id." },
        ["url_lease_id"] = new() { Type = FieldType.String, Description = "The lease's id, in the path." },
        ["increment"] = new() { Type = FieldType.Duration, Description = "How much longer the lease should live, from now (renew); its original TTL when unset." },
        ["sync"] = new() { Type = FieldType.Bool, Description = "Vault's: revoke before answering (always done here).", Default = true },
    };

    private static readonly IReadOnlyDictionary<string, FieldSchema> PrefixFields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
    {
        ["prefix"] = new() { Type = FieldType.String, Description = "The lease id prefix: a mount and path, such as database/creds/readonly." },
        ["sync"] = new() { Type = FieldType.Bool, Description = "Vault's: revoke before answering (always done here).", Default = true },
    };

    /// <summary>The routes, relative to <c>sys/</c>.</summary>
    public IEnumerable<PathRoute> Routes =>
    [
        new PathRoute
        {
            Pattern = LookupPattern(),
            Fields = LeaseFields,
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = LookupAsync, [Operation.Create] = LookupAsync },
            Synopsis = "Looks a lease up: when it was issued and expires, whether it is renewable, its TTL.",
        },
        new PathRoute
        {
            Pattern = ListPattern(),
            Fields = PrefixFields,
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.List] = ListAsync },
            Synopsis = "Lists the leases, and the folders of leases, below a prefix.",
        },
        new PathRoute
        {
            Pattern = RenewPattern(),
            Fields = LeaseFields,
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = RenewAsync, [Operation.Create] = RenewAsync },
            Synopsis = "Renews a lease by an increment, up to its max TTL; its backend grants the renewal.",
        },
        new PathRoute
        {
            Pattern = RevokePattern(),
            Fields = LeaseFields,
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = RevokeAsync, [Operation.Create] = RevokeAsync },
            Synopsis = "Revokes a lease through its backend now.",
        },
        new PathRoute
        {
            Pattern = RevokePrefixPattern(),
            Fields = PrefixFields,
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = RevokePrefixAsync, [Operation.Create] = RevokePrefixAsync },
            Synopsis = "Revokes every lease below a prefix through its backend; any it cannot revoke are kept and retried.",
        },
        new PathRoute
        {
            Pattern = RevokeForcePattern(),
            Fields = PrefixFields,
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = RevokeForceAsync, [Operation.Create] = RevokeForceAsync },
            Synopsis = "Revokes every lease below a prefix, deleting those whose backend fails: what they issued may live on.",
        },
        new PathRoute
        {
            Pattern = TidyPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = TidyAsync, [Operation.Create] = TidyAsync },
            Synopsis = "Removes index entries of leases that no longer exist.",
        },
    ];

    private async ValueTask<BackendResponse?> LookupAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var lease = await leases.LookupAsync(LeaseIdOf(fields), cancellationToken).ConfigureAwait(false);
        return BackendResponse.WithData(new Dictionary<string, object?>
        {
            ["id"] = lease.LeaseId,
            ["issue_time"] = Time(lease.IssueTime),
            ["expire_time"] = Time(lease.ExpireTime),
            ["last_renewal"] = lease.LastRenewalTime is { } renewed ? Time(renewed) : null,
            ["renewable"] = lease.Renewable,
            ["ttl"] = (long)leases.TtlOf(lease).TotalSeconds,
        });
    }

    private async ValueTask<BackendResponse?> ListAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var prefix = fields.IsSet("prefix") ? fields.GetString("prefix") : "";
        prefix = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var id in leases.IdsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (id.StartsWith(prefix, StringComparison.Ordinal))
            {
                var rest = id[prefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                keys.Add(slash < 0 ? rest : rest[..(slash + 1)]);
            }
        }

        return BackendResponse.ForList(keys);
    }

    private async ValueTask<BackendResponse?> RenewAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var increment = fields.IsSet("increment") ? fields.GetDuration("increment") : TimeSpan.Zero;
        var lease = await leases.RenewAsync(LeaseIdOf(fields), increment, cancellationToken).ConfigureAwait(false);

        // Vault answers a renewal with the lease at the top level (lease_id, lease_duration, renewable), no data, and
        // the TTL it granted (1h for an hour, not what is left of it a moment later: 59m59s).
        CoreRequestScope.Current.LeaseId = lease.LeaseId;
        var granted = lease.ExpireTime - (lease.LastRenewalTime ?? lease.IssueTime);
        return new BackendResponse { Secret = new SecretInfo { Ttl = granted, Renewable = lease.Renewable } };
    }

    private async ValueTask<BackendResponse?> RevokeAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await leases.RevokeAsync(LeaseIdOf(fields), cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> RevokePrefixAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await leases.RevokePrefixAsync(fields.GetString("prefix"), force: false, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> RevokeForceAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await leases.RevokePrefixAsync(fields.GetString("prefix"), force: true, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> TidyAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await leases.TidyAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    // Vault takes the id in the body (lease_id) or, for renew and revoke, in the path.
    private static string LeaseIdOf(FieldData fields) =>
        fields.IsSet("url_lease_id") && fields.GetString("url_lease_id").Length > 0 ? fields.GetString("url_lease_id")
        : fields.IsSet("lease_id") && fields.GetString("lease_id").Length > 0 ? fields.GetString("lease_id")
        : throw new PluginHostException(ErrorCode.BadRequest, "missing lease ID");

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    [GeneratedRegex("^leases/lookup/?$", RegexOptions.CultureInvariant)]
    private static partial Regex LookupPattern();

    [GeneratedRegex("^leases/lookup/(?<prefix>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ListPattern();

    [GeneratedRegex("^(?:leases/)?renew(?:/(?<url_lease_id>.+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RenewPattern();

    [GeneratedRegex("^(?:leases/)?revoke(?:/(?<url_lease_id>.+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RevokePattern();

    [GeneratedRegex("^(?:leases/)?revoke-prefix/(?<prefix>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex RevokePrefixPattern();

    [GeneratedRegex("^(?:leases/)?revoke-force/(?<prefix>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex RevokeForcePattern();

    [GeneratedRegex("^leases/tidy$", RegexOptions.CultureInvariant)]
    private static partial Regex TidyPattern();
}
