using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>A backend's answer: data, warnings, and for secrets or logins their lease or auth information.</summary>
/// <remarks>A backend answers <see langword="null"/> instead of a response when there is nothing at the path (a read of a missing key).</remarks>
public sealed record BackendResponse
{
    /// <summary>The response data, or <see langword="null"/> for none. A list answers <c>keys</c>: an array of strings.</summary>
    [JsonPropertyName("data")]
    public IReadOnlyDictionary<string, JsonElement>? Data { get; init; }

    /// <summary>Warnings for the caller (Vault prints them after the data).</summary>
    [JsonPropertyName("warnings")]
    public IReadOnlyList<string>? Warnings { get; init; }

    /// <summary>Lease information when the response is a leased secret.</summary>
    [JsonPropertyName("secret")]
    public SecretInfo? Secret { get; init; }

    /// <summary>Auth information when the response is a successful login.</summary>
    [JsonPropertyName("auth")]
    public AuthInfo? Auth { get; init; }

    /// <summary>A path the caller should be redirected to, or <see langword="null"/>.</summary>
    [JsonPropertyName("redirect")]
    public string? Redirect { get; init; }

    /// <summary>
    /// The HTTP status to answer with instead of 200 while still carrying <see cref="Data"/> (Vault's
    /// <c>RespondWithStatusCode</c>), or <see langword="null"/> for the usual one. kv v2 answers a deleted version's
    /// metadata with 404 this way. The host passes on only client-error statuses (400–499, except 401 and 407).
    /// </summary>
    [JsonPropertyName("status_code")]
    public int? StatusCode { get; init; }

    /// <summary>
    /// Builds a response whose data holds the given values, serialized with <see cref="JsonSerializer"/>. Strings, numbers,
    /// booleans, string arrays and lists, string-keyed dictionaries and <see cref="JsonElement"/>s need no reflection;
    /// other types need reflection-based serialization, which trimmed and NativeAOT apps do not have.
    /// </summary>
    /// <param name="data">Field names and values.</param>
    /// <returns>The response.</returns>
    public static BackendResponse WithData(IEnumerable<KeyValuePair<string, object?>> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in data)
        {
            values[key] = DataValues.ToElement(value);
        }

        return new BackendResponse { Data = values };
    }

    /// <summary>Builds the answer to a list: <c>data.keys</c> holding <paramref name="keys"/> in the order given.</summary>
    /// <param name="keys">The keys; folders end with <c>/</c>.</param>
    /// <returns>The response.</returns>
    public static BackendResponse ForList(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new BackendResponse
        {
            Data = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
            {
                ["keys"] = DataValues.ToElement(keys.ToArray()),
            },
        };
    }

    /// <summary>Returns the <c>keys</c> of a list answer, or an empty list when there are none.</summary>
    /// <returns>The keys.</returns>
    public IReadOnlyList<string> GetListKeys()
    {
        if (Data is null || !Data.TryGetValue("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return keys.EnumerateArray().Select(k => k.GetString() ?? "").ToArray();
    }
}
