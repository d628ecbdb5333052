namespace PluginHost.Cli.Requests;

/// <summary>What a target answered: the backend's response, and the <c>auth</c> block when the answer carries a token.</summary>
/// <param name="Response">The response (empty, not null, when only a token came back).</param>
/// <param name="Auth">The token the answer carries, or <see langword="null"/>.</param>
internal sealed record TargetResponse(BackendResponse Response, SecretAuth? Auth = null);
