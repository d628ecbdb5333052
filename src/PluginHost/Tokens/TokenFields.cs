using PluginHost.Sdk;

namespace PluginHost.Tokens;

/// <summary>The request fields of the token store's paths.</summary>
internal static class TokenFields
{
    private static readonly Dictionary<string, FieldSchema> All = new(StringComparer.Ordinal)
    {
        ["token"] = new() { Type = FieldType.String, Description = "The token." },
        ["accessor"] = new() { Type = FieldType.String, Description = "The token's accessor." },
        ["increment"] = new() { Type = FieldType.Duration, Description = "The new TTL from now; the token's own TTL when 0." },
        ["id"] = new() { Type = FieldType.String, Description = "The token to create (root only)." },
        ["policies"] = new() { Type = FieldType.CommaStringSlice, Description = "The new token's policies; the parent's when omitted." },
        ["meta"] = new() { Type = FieldType.Map, Description = "Metadata kept with the token." },
        ["no_parent"] = new() { Type = FieldType.Bool, Description = "Make an orphan (root or sudo only)." },
        ["no_default_policy"] = new() { Type = FieldType.Bool, Description = "Leave out the default policy." },
        ["renewable"] = new() { Type = FieldType.Bool, Description = "Whether the token may be renewed (default true)." },
        ["ttl"] = new() { Type = FieldType.Duration, Description = "The token's TTL." },
        ["explicit_max_ttl"] = new() { Type = FieldType.Duration, Description = "A max TTL that renewals cannot pass." },
        ["display_name"] = new() { Type = FieldType.String, Description = "A name for the token." },
        ["num_uses"] = new() { Type = FieldType.Int, Description = "Not supported: must be 0." },
        ["period"] = new() { Type = FieldType.Duration, Description = "Not supported: must be 0." },
        ["type"] = new() { Type = FieldType.String, Description = "service (batch tokens are not supported)." },
    };

    /// <summary>The declarations of the named fields.</summary>
    public static IReadOnlyDictionary<string, FieldSchema> Of(params string[] names) =>
        names.ToDictionary(name => name, name => All[name], StringComparer.Ordinal);
}
