using System.Globalization;
using System.Text.Json;

namespace PluginHost.Tokens;

/// <summary>The <c>data</c> of Vault's token lookups (<c>auth/token/lookup</c>, <c>-self</c>, <c>-accessor</c>).</summary>
internal static class TokenDescription
{
    /// <summary>Describes <paramref name="entry"/> at <paramref name="now"/>; <paramref name="token"/> is the id shown (empty for an accessor lookup).</summary>
    public static IReadOnlyDictionary<string, JsonElement> Of(string token, TokenEntry entry, DateTimeOffset now) =>
        BackendResponse.WithData(
        [
            new("accessor", entry.Accessor),
            new("creation_time", entry.CreationTime.ToUnixTimeSeconds()),
            new("creation_ttl", (long)entry.CreationTtl.TotalSeconds),
            new("display_name", entry.DisplayName),
            new("entity_id", ""),
            new("expire_time", Time(entry.ExpireTime)),
            new("explicit_max_ttl", (long)entry.ExplicitMaxTtl.TotalSeconds),
            new("id", token),
            new("issue_time", Time(entry.CreationTime)),
            new("last_renewal_time", entry.LastRenewalTime?.ToUnixTimeSeconds()),
            new("meta", entry.Meta),
            new("num_uses", 0L),
            new("orphan", entry.Orphan),
            new("path", entry.Path),
            new("policies", entry.Policies),
            new("renewable", entry.Renewable),
            new("ttl", entry.TtlSecondsAt(now)),
            new("type", "service"),
        ]).Data!;

    private static string? Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture);
}
