using PluginHost.Sdk;

namespace PluginHost.Backends;

/// <summary>The fields of userpass paths, and how a user write's token fields (<c>policies</c>/<c>token_policies</c>, <c>ttl</c>, <c>max_ttl</c>) apply to a stored user.</summary>
internal static class UserFields
{
    private static readonly Dictionary<string, FieldSchema> All = new(StringComparer.Ordinal)
    {
        ["name"] = new() { Type = FieldType.String, Description = "The username (case-insensitive)." },
        ["username"] = new() { Type = FieldType.String, Description = "The username, when the path does not give it." },
        ["password"] = new() { Type = FieldType.String, Description = "The user's password." },
        ["policies"] = new() { Type = FieldType.CommaStringSlice, Description = "Deprecated: use 'token_policies'." },
        ["token_policies"] = new() { Type = FieldType.CommaStringSlice, Description = "The policies of the user's tokens." },
        ["ttl"] = new() { Type = FieldType.Duration, Description = "The lifetime of the user's tokens; 0 for the mount's default." },
        ["max_ttl"] = new() { Type = FieldType.Duration, Description = "The longest lifetime of the user's tokens; 0 for no limit of its own." },
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
        var policies = fields.IsSet("policies") ? PolicyNames.Normalize(fields.GetStrings("policies")) : null;
        var tokenPolicies = fields.IsSet("token_policies") ? PolicyNames.Normalize(fields.GetStrings("token_policies")) : null;
        if (policies is not null && tokenPolicies is not null && !policies.SequenceEqual(tokenPolicies, StringComparer.Ordinal))
        {
            throw new PluginHostException(ErrorCode.BadRequest,
                "'policies' and 'token_policies' differ; give only one of them ('token_policies' is the current name)");
        }

        var user = new UserEntry
        {
            PasswordHash = newHash ?? existing!.PasswordHash,
            Policies = tokenPolicies ?? policies ?? existing?.Policies ?? [],
            TtlSeconds = fields.IsSet("ttl") ? (long)fields.GetDuration("ttl").TotalSeconds : existing?.TtlSeconds ?? 0,
            MaxTtlSeconds = fields.IsSet("max_ttl") ? (long)fields.GetDuration("max_ttl").TotalSeconds : existing?.MaxTtlSeconds ?? 0,
        };

        return user.MaxTtlSeconds != 0 && user.TtlSeconds > user.MaxTtlSeconds
            ? throw new PluginHostException(ErrorCode.BadRequest,
                $"'ttl' ({user.TtlSeconds}s) cannot be greater than 'max_ttl' ({user.MaxTtlSeconds}s); lower 'ttl' or raise 'max_ttl'")
            : user;
    }
}
