using System.Text.Json;
using PluginHost.Mounts;
using PluginHost.Sdk;

namespace PluginHost.SystemPaths;

/// <summary>
/// Vault's mount settings beyond the lease TTLs (kept in <see cref="MountConfig.VaultSettings"/>), each read with its
/// Vault type (a string, a boolean, a list of strings or a map) and kept in its JSON form: from an enable's
/// <c>config</c> map, or from a tune's top-level fields.
/// </summary>
internal static class VaultMountSettings
{
    private static readonly Dictionary<string, FieldType> Types = new(StringComparer.Ordinal)
    {
        ["force_no_cache"] = FieldType.Bool,
        ["listing_visibility"] = FieldType.String,
        ["passthrough_request_headers"] = FieldType.CommaStringSlice,
        ["allowed_response_headers"] = FieldType.CommaStringSlice,
        ["audit_non_hmac_request_keys"] = FieldType.CommaStringSlice,
        ["audit_non_hmac_response_keys"] = FieldType.CommaStringSlice,
        ["token_type"] = FieldType.String,
        ["allowed_managed_keys"] = FieldType.CommaStringSlice,
        ["delegated_auth_accessors"] = FieldType.CommaStringSlice,
        ["user_lockout_config"] = FieldType.Map,
        ["identity_token_key"] = FieldType.String,
    };

    /// <summary>The tune fields, one per setting, with its type.</summary>
    public static IEnumerable<KeyValuePair<string, FieldSchema>> Fields =>
        Types.Select(t => new KeyValuePair<string, FieldSchema>(t.Key, new() { Type = t.Value, Description = "Vault's mount setting of that name: kept and listed with the mount, with no effect here." }));

    /// <summary>The settings an enable's <c>config</c> map gives (other keys, such as the TTLs, are read elsewhere).</summary>
    /// <exception cref="PluginHostException">BadRequest: a setting's value has the wrong type.</exception>
    public static Dictionary<string, JsonElement> FromConfig(IReadOnlyDictionary<string, JsonElement> config) =>
        config.Where(c => Types.ContainsKey(c.Key) && c.Value.ValueKind != JsonValueKind.Null)
            .ToDictionary(c => c.Key, c => Normalized(c.Key, FieldParser.Parse(c.Key, Types[c.Key], c.Value)), StringComparer.Ordinal);

    /// <summary>The settings a tune's fields set, or <see langword="null"/> when it sets none.</summary>
    public static Dictionary<string, JsonElement>? FromFields(FieldData fields)
    {
        var set = Types.Keys.Where(fields.IsSet).ToList();
        return set.Count == 0
            ? null
            : set.ToDictionary(name => name, name => Normalized(name, Types[name] switch
            {
                FieldType.Bool => fields.GetBool(name),
                FieldType.CommaStringSlice => fields.GetStrings(name),
                FieldType.Map => fields.GetMap(name),
                _ => fields.GetString(name),
            }), StringComparer.Ordinal);
    }

    private static JsonElement Normalized(string name, object value) =>
        BackendResponse.WithData([new(name, value)]).Data![name];
}
