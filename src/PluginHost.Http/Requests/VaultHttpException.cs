namespace PluginHost.Http.Requests;

/// <summary>A request refused before it reached the host: its HTTP status and the message for Vault's <c>errors</c> list (none when null).</summary>
internal sealed class VaultHttpException(int statusCode, string? message) : Exception(message ?? $"HTTP {statusCode}")
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The one entry of <c>errors</c>, or null for Vault's bare <c>{"errors":[]}</c>.</summary>
    public string? ErrorMessage { get; } = message;
}
