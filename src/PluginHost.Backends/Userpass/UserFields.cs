using PluginHost.Sdk;

namespace PluginHost.Backends;

/// <summary>
/// The fields of userpass paths, and how a user write's token fields apply to a stored user: Vault's
/// <c>token_policies</c>, <c>token_ttl</c>, <c>token_max_ttl</c> and <c>token_no_default_policy</c>, and the legacy
/// <c>policies</c>, <c>ttl</c> and <c>max_ttl</c> (a legacy field and its current name must agree when both are given).
/// </summary>
internal static class UserFields
{
    private static readonly Dictionary<string, FieldSchema> All = new(StringComparer.Ordinal)
    {
        ["name"] = new() { Type = FieldType.String, Description = "The username (case-insensitive)." },
        ["username"] = new() { Type = FieldType.String, Description = "The username, when the path does not give it." },
        ["password"] = new() { Type = FieldType.String, Description = "The user's password." },
        ["policies"] = new() { Type = FieldType.CommaStringSlice, Description = "Deprecated: use 'token_policies'." },
        ["token_policies"] = new() { Type = FieldType.CommaStringSlice, Description = "The policies of the user's tokens." },
        ["token_ttl"] = new() { Type = FieldType.Duration, Description = "The lifetime of the user's tokens; 0 for the mount's default." },
        ["ttl"] = new() { Type = FieldType.Duration, Description = "Deprecated: use 'token_ttl'." },
        ["token_max_ttl"] = new() { Type = FieldType.Duration, Description = "The longest lifetime of the user's tokens; 0 for no limit of its own." },
        ["max_ttl"] = new() { Type = FieldType.Duration, Description = "Deprecated: use 'token_max_ttl'." },
        ["token_no_default_policy"] = new() { Type = FieldType.Bool, Description = "Whether the user's tokens are issued without the default policy." },
    };

    /// <summary>The declarations of the named fields, for a route's <see cref="PathRoute.Fields"/>.</summary>
    /// <param name="names">Field names among those above.</param>
    /// <returns>The declarations.</returns>
    public static IReadOnlyDictionary<string, FieldSchema> Schemas(params string[] names) =>
        names.ToDictionary(name => name, name => All[name], StringComparer.Ordinal);

    /// <summary>Builds the user to store: fields given in <paramref name="fields"/> replace those of <paramref name="existing"/>.</summary>
    /// <param name="fields">The write's fields.</param>
    /// <param name="existing">The stored user, or <see langword="null"/> when creating.</param>
    /// <param name="newHash">The new password's hash, or <see langword="null"/> to keep the stored one.</param>
    /// <returns>The user.</returns>
    /// <exception cref="PluginHostException">The two policy fields differ, or ttl exceeds max_ttl.</exception>
    public static UserEntry Apply(FieldData fields, UserEntry? existing, PasswordHash? newHash)
    {
        var policies = Either(fields, "policies", "token_policies", f => PolicyNames.Normalize(fields.GetStrings(f)), (a, b) => a.SequenceEqual(b, StringComparer.Ordinal));
        var ttl = Either<TimeSpan?>(fields, "ttl", "token_ttl", f => fields.GetDuration(f), (a, b) => a == b);
        var maxTtl = Either<TimeSpan?>(fields, "max_ttl", "token_max_ttl", f => fields.GetDuration(f), (a, b) => a == b);
        var user = new UserEntry
        {
            PasswordHash = newHash ?? existing!.PasswordHash,
            Policies = policies ?? existing?.Policies ?? [],
            TtlSeconds = ttl is { } t ? (long)t.TotalSeconds : existing?.TtlSeconds ?? 0,
            MaxTtlSeconds = maxTtl is { } m ? (long)m.TotalSeconds : existing?.MaxTtlSeconds ?? 0,
            NoDefaultPolicy = fields.IsSet("token_no_default_policy") ? fields.GetBool("token_no_default_policy") : existing?.NoDefaultPolicy ?? false,
        };

        return user.MaxTtlSeconds != 0 && user.TtlSeconds > user.MaxTtlSeconds
            ? throw new PluginHostException(ErrorCode.BadRequest,
                $"'token_ttl' ({user.TtlSeconds}s) cannot be greater than 'token_max_ttl' ({user.MaxTtlSeconds}s); lower the TTL or raise the max")
            : user;
    }

    // The value given under a field's legacy or current name, or null when neither was given; both given must agree.
    private static T? Either<T>(FieldData fields, string legacy, string current, Func<string, T> read, Func<T, T, bool> same)
    {
        var old = fields.IsSet(legacy) ? read(legacy) : default;
        var now = fields.IsSet(current) ? read(current) : default;
        if (old is not null && now is not null && !same(old, now))
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"'{legacy}' and '{current}' differ; give only one of them ('{current}' is the current name)");
        }

        return now ?? old;
    }
}
