using System.Text.Json;

namespace PluginHost.Cli.Requests;

/// <summary>
/// A response as Vault's CLI sees it (<c>api.Secret</c>): request id, lease, data, warnings and auth. Built from the
/// host's <see cref="BackendResponse"/>; the output formats print this.
/// </summary>
internal sealed record Secret
{
    public required string RequestId { get; init; }

    /// <summary>The secret's lease, or empty: an unleased TTL (a kv secret's) shows as <c>refresh_interval</c>.</summary>
    public string LeaseId { get; init; } = "";

    /// <summary>The secret's TTL in seconds, or 0.</summary>
    public long LeaseDuration { get; init; }

    public bool Renewable { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Data { get; init; }

    public IReadOnlyList<string>? Warnings { get; init; }

    /// <summary>The token a login, a token creation or a renewal answered with, or <see langword="null"/>.</summary>
    public SecretAuth? Auth { get; init; }

    public static Secret From(TargetResponse answer, string requestId)
    {
        var response = answer.Response;
        return new()
        {
            RequestId = requestId,
            LeaseId = answer.LeaseId ?? "",
            LeaseDuration = (long)(response.Secret?.Ttl.TotalSeconds ?? 0),
            Renewable = response.Secret?.Renewable ?? false,
            Data = response.Data,
            Warnings = response.Warnings is { Count: > 0 } warnings ? warnings : null,
            Auth = answer.Auth,
        };
    }

    /// <summary>The <c>keys</c> of a list answer when they are a list of strings (Vault's <c>extractListData</c>).</summary>
    public IReadOnlyList<string>? ListKeys =>
        Data is not null && Data.TryGetValue("keys", out var keys) && keys.ValueKind == JsonValueKind.Array
            ? keys.EnumerateArray().Select(k => k.ValueKind == JsonValueKind.String ? k.GetString()! : k.GetRawText()).ToArray()
            : null;
}
