using System.Text.Json;

namespace PluginHost.Backends;

/// <summary>Applies the token fields of a user write (<c>policies</c>/<c>token_policies</c>, <c>ttl</c>, <c>max_ttl</c>) to a stored user.</summary>
internal static class UserFields
{
    /// <summary>Builds the user to store: fields given in <paramref name="request"/> replace those of <paramref name="existing"/>.</summary>
    /// <param name="request">The write.</param>
    /// <param name="existing">The stored user, or <see langword="null"/> when creating.</param>
    /// <param name="newHash">The new password's hash, or <see langword="null"/> to keep the stored one.</param>
    /// <returns>The user.</returns>
    /// <exception cref="PluginHostException">A field has a bad value, or ttl exceeds max_ttl.</exception>
    public static UserEntry Apply(BackendRequest request, UserEntry? existing, PasswordHash? newHash)
    {
        var policies = Field(request, "policies") is { } legacy ? PolicyParser.Parse("policies", legacy) : null;
        var tokenPolicies = Field(request, "token_policies") is { } current ? PolicyParser.Parse("token_policies", current) : null;
        if (policies is not null && tokenPolicies is not null && !policies.SequenceEqual(tokenPolicies, StringComparer.Ordinal))
        {
            throw new PluginHostException(ErrorCode.BadRequest,
                "'policies' and 'token_policies' differ; give only one of them ('token_policies' is the current name)");
        }

        var user = new UserEntry
        {
            PasswordHash = newHash ?? existing!.PasswordHash,
            Policies = tokenPolicies ?? policies ?? existing?.Policies ?? [],
            TtlSeconds = Field(request, "ttl") is { } ttl ? TtlParser.Parse("ttl", ttl) : existing?.TtlSeconds ?? 0,
            MaxTtlSeconds = Field(request, "max_ttl") is { } maxTtl ? TtlParser.Parse("max_ttl", maxTtl) : existing?.MaxTtlSeconds ?? 0,
        };

        return user.MaxTtlSeconds != 0 && user.TtlSeconds > user.MaxTtlSeconds
            ? throw new PluginHostException(ErrorCode.BadRequest,
                $"'ttl' ({user.TtlSeconds}s) cannot be greater than 'max_ttl' ({user.MaxTtlSeconds}s); lower 'ttl' or raise 'max_ttl'")
            : user;
    }

    private static JsonElement? Field(BackendRequest request, string name) =>
        request.Data is not null && request.Data.TryGetValue(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value
            : null;
}
