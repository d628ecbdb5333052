namespace PluginHost.Audit;

/// <summary>
/// What the request pipeline hands the <see cref="AuditBroker"/> for one audit entry: who asked, what was asked and,
/// for a response entry, what was answered. Values are raw (tokens included); each device hashes them as it writes.
/// </summary>
internal sealed record AuditEvent
{
    /// <summary>When the request was received (request entry) or answered (response entry).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The caller's token, or null for an unauthenticated request such as a login.</summary>
    public AuditAuth? Auth { get; init; }

    /// <summary>The request.</summary>
    public required AuditRequestInfo Request { get; init; }

    /// <summary>The backend's answer; only for response entries, null when there was none.</summary>
    public BackendResponse? Response { get; init; }

    /// <summary>The token a login earned (raw token inside), written as the response's <c>auth</c>.</summary>
    public AuditAuth? ResponseAuth { get; init; }

    /// <summary>The error message when the request failed; written as it is (Vault does not hash it).</summary>
    public string? Error { get; init; }
}
