using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Mounts;

/// <summary>The tunable settings of a mount (Vault's mount <c>config</c>).</summary>
public sealed record MountConfig
{
    /// <summary>The default lease TTL of secrets and tokens from this mount; zero for the host default. Serialized as seconds.</summary>
    [JsonPropertyName("default_lease_ttl")]
    [JsonConverter(typeof(SecondsTimeSpanConverter))]
    public TimeSpan DefaultLeaseTtl { get; init; }

    /// <summary>The longest lease TTL this mount may grant; zero for the host default. Serialized as seconds.</summary>
    [JsonPropertyName("max_lease_ttl")]
    [JsonConverter(typeof(SecondsTimeSpanConverter))]
    public TimeSpan MaxLeaseTtl { get; init; }

    /// <summary>Backend-specific options, passed to the backend at setup (<see cref="BackendConfig.Options"/>).</summary>
    [JsonPropertyName("options")]
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Vault's other mount settings, by name (<c>listing_visibility</c>, <c>passthrough_request_headers</c>,
    /// <c>audit_non_hmac_request_keys</c>, <c>token_type</c>, …): kept and listed with the mount so Vault clients read
    /// back what they wrote; they change nothing here (docs/system-paths.md says why, key by key).
    /// </summary>
    [JsonPropertyName("vault_settings")]
    public IReadOnlyDictionary<string, JsonElement> VaultSettings { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Whether two configs hold the same values, comparing <see cref="Options"/> by content.</summary>
    /// <param name="other">The config to compare with.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(MountConfig? other) =>
        other is not null
        && DefaultLeaseTtl == other.DefaultLeaseTtl
        && MaxLeaseTtl == other.MaxLeaseTtl
        && Options.Count == other.Options.Count
        && Options.All(o => other.Options.TryGetValue(o.Key, out var v) && v == o.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(DefaultLeaseTtl, MaxLeaseTtl, Options.Count);

    /// <summary>Throws when the TTLs are negative or the default exceeds the maximum.</summary>
    /// <summary>
    /// The mount's effective lease TTLs, as Vault's system view gives them: its own when tuned, else the host's; the
    /// default never above the maximum.
    /// </summary>
    internal (TimeSpan Default, TimeSpan Max) LeaseTtls(PluginHostOptions settings)
    {
        var max = MaxLeaseTtl > TimeSpan.Zero ? MaxLeaseTtl : settings.MaxLeaseTtl;
        var byDefault = DefaultLeaseTtl > TimeSpan.Zero ? DefaultLeaseTtl : settings.DefaultLeaseTtl;
        return (byDefault < max ? byDefault : max, max);
    }

    internal void Validate()
    {
        if (DefaultLeaseTtl < TimeSpan.Zero || MaxLeaseTtl < TimeSpan.Zero)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "lease TTLs cannot be negative");
        }

        if (MaxLeaseTtl > TimeSpan.Zero && DefaultLeaseTtl > MaxLeaseTtl)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "default lease TTL cannot be greater than the max lease TTL");
        }

        // Vault's only checked value among the kept settings.
        if (VaultSettings.TryGetValue("listing_visibility", out var visibility)
            && !(visibility.ValueKind == JsonValueKind.String && visibility.GetString() is "" or "hidden" or "unauth"))
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"invalid listing_visibility {visibility.GetRawText()}: give \"unauth\", \"hidden\" or \"\"");
        }
    }
}
