namespace PluginHost.Cli.Requests;

/// <summary>
/// What a target answered: the backend's response, the <c>auth</c> block when the answer carries a token, and the
/// lease the host registered for the answer's secret.
/// </summary>
/// <param name="Response">The response (empty, not null, when only a token came back).</param>
/// <param name="Auth">The token the answer carries, or <see langword="null"/>.</param>
/// <param name="LeaseId">Vault's <c>lease_id</c> (a leased secret, a lease's renewal), or <see langword="null"/>.</param>
internal sealed record TargetResponse(BackendResponse Response, SecretAuth? Auth = null, string? LeaseId = null);
