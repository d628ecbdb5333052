using PluginHost.Authorization;
using PluginHost.Mounts;
using PluginHost.Tokens;

namespace PluginHost.Audit;

/// <summary>
/// The audit trail of one request through the host (Vault's rule: when devices are enabled, a request nothing could
/// record does not happen): the request entry once the host has decided who asks and where it goes, then the response
/// entry, or one entry with the error when the request was refused or failed. Made only when devices are enabled.
/// </summary>
internal sealed class RequestAudit
{
    private readonly AuditBroker _broker;
    private readonly AuditAuth? _auth;
    private readonly RequestCaller _caller;
    private readonly BackendRequest _request;
    private readonly DateTimeOffset _time;
    private AuditRequestInfo? _logged;
    private bool _brokerFailed;

    private RequestAudit(AuditBroker broker, Principal? principal, RequestCaller caller, BackendRequest request, DateTimeOffset time)
    {
        _broker = broker;
        _caller = caller;
        _request = request;
        _time = time;
        _auth = principal is null ? null : AuthOf(principal.Token, principal.Entry, principal.DisplayName, principal.Policies);
    }

    /// <summary>A trail for <paramref name="request"/> (its path normalised), or null when no device is enabled.</summary>
    public static RequestAudit? Begin(AuditBroker broker, TimeProvider clock, Principal? principal, RequestCaller caller, BackendRequest request) =>
        broker.HasDevices ? new RequestAudit(broker, principal, caller, request, clock.GetUtcNow()) : null;

    /// <summary>Records the request, authorized and about to be served.</summary>
    /// <exception cref="PluginHostException">No device recorded it (Internal): the request must not be served.</exception>
    public ValueTask RequestAsync(Operation operation, string mountPoint, string mountType, MountEntry? mount, CancellationToken cancellationToken)
    {
        _logged = Info(operation, mountPoint, mountType, mount);
        return Guard(_broker.LogRequestAsync(new AuditEvent { Time = _time, Auth = _auth, Request = _logged }, cancellationToken));
    }

    /// <summary>Records the answer.</summary>
    /// <exception cref="PluginHostException">No device recorded it (Internal): the answer must not be sent.</exception>
    public ValueTask ResponseAsync(BackendResponse? response, IssuedToken? issued, CancellationToken cancellationToken) =>
        Guard(_broker.LogResponseAsync(
            new AuditEvent
            {
                Time = _time,
                Auth = _auth,
                Request = _logged ?? Info(_request.Operation, "", "", null),
                Response = response ?? new BackendResponse(),
                ResponseAuth = issued is null ? null : AuthOf(issued.ClientToken, issued.Entry, issued.Entry.DisplayName, issued.Entry.Policies),
            },
            cancellationToken));

    /// <summary>
    /// Records a refusal or failure: as the request's entry when it was refused before being recorded (a denied
    /// request), else as its response's. Nothing is written when it was the audit itself that failed.
    /// </summary>
    public async ValueTask FailedAsync(string error, CancellationToken cancellationToken)
    {
        if (_brokerFailed)
        {
            return;
        }

        var entry = new AuditEvent { Time = _time, Auth = _auth, Request = _logged ?? Info(_request.Operation, "", "", null), Error = error };
        if (_logged is null)
        {
            await _broker.LogRequestAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _broker.LogResponseAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask Guard(ValueTask logging)
    {
        try
        {
            await logging.ConfigureAwait(false);
        }
        catch
        {
            _brokerFailed = true;
            throw;
        }
    }

    private AuditRequestInfo Info(Operation operation, string mountPoint, string mountType, MountEntry? mount) => new()
    {
        Id = _request.RequestId,
        Operation = operation,
        Path = _request.Path,
        MountPoint = mountPoint,
        MountType = mountType,
        MountAccessor = mount?.Accessor ?? "",
        ClientToken = _caller.Token,
        ClientTokenAccessor = _auth?.Accessor,
        Data = _request.Data,
        RemoteAddress = _caller.RemoteAddress,
        RemotePort = _caller.RemotePort,
    };

    private static AuditAuth AuthOf(string? token, TokenEntry? entry, string displayName, IReadOnlyList<string> policies) => new()
    {
        ClientToken = token,
        Accessor = entry?.Accessor,
        DisplayName = displayName,
        Policies = policies,
        TokenPolicies = policies,
        Metadata = entry?.Meta,
        TokenTtlSeconds = entry is null ? 0 : (long)entry.CreationTtl.TotalSeconds,
        TokenIssueTime = entry?.CreationTime,
    };
}
