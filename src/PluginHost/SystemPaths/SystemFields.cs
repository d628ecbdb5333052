using System.Text.Json;
using PluginHost.Sdk;

namespace PluginHost.SystemPaths;

/// <summary>The request fields of Vault's system paths, declared once for the routes that take them.</summary>
internal static class SystemFields
{
    private static readonly Dictionary<string, FieldSchema> All = new(StringComparer.Ordinal)
    {
        ["type"] = new() { Type = FieldType.String, Description = "The plugin type (secret or auth), or for a mount the plugin to mount." },
        ["name"] = new() { Type = FieldType.String, Description = "The plugin's name." },
        ["path"] = new() { Type = FieldType.String, Description = "The mount path." },
        ["sha256"] = new() { Type = FieldType.String, Description = "The SHA-256 of the plugin binary, 64 hex characters.", Required = true },
        ["command"] = new() { Type = FieldType.String, Description = "The plugin binary, relative to the plugin directory.", Required = true },
        ["args"] = new() { Type = FieldType.CommaStringSlice, Description = "Arguments the plugin is started with." },
        ["env"] = new() { Type = FieldType.CommaStringSlice, Description = "Environment variables for the plugin, as NAME=VALUE." },
        ["version"] = new() { Type = FieldType.String, Description = "The plugin's semantic version." },
        ["memory_limit"] = new() { Type = FieldType.String, Description = "The plugin's memory limit: bytes, or a size such as 256MiB." },
        ["max_processes"] = new() { Type = FieldType.Int, Description = "How many processes (and threads) the plugin may have." },
        ["max_open_files"] = new() { Type = FieldType.Int, Description = "How many files the plugin may have open." },
        ["description"] = new() { Type = FieldType.String, Description = "What the mount is for." },
        ["plugin_version"] = new() { Type = FieldType.String, Description = "The plugin version to pin the mount to." },
        ["config"] = new() { Type = FieldType.Map, Description = "Mount settings: default_lease_ttl, max_lease_ttl." },
        ["options"] = new() { Type = FieldType.Map, Description = "Options given to the backend at setup (string values)." },
        ["default_lease_ttl"] = new() { Type = FieldType.Duration, Description = "The default lease TTL." },
        ["max_lease_ttl"] = new() { Type = FieldType.Duration, Description = "The maximum lease TTL." },
        ["from"] = new() { Type = FieldType.String, Description = "The mount to move (auth/NAME for an auth method).", Required = true },
        ["format"] = new() { Type = FieldType.String, Description = "The metrics' format: prometheus for Prometheus text; none for go-metrics JSON." },
        ["to"] = new() { Type = FieldType.String, Description = "Where to move it.", Required = true },
        ["plugin"] = new() { Type = FieldType.String, Description = "Reload every mount of this plugin." },
        ["mounts"] = new() { Type = FieldType.CommaStringSlice, Description = "Reload these mounts." },
        ["plugin_name"] = new() { Type = FieldType.String, Description = "With type 'plugin' (Vault's older form): the plugin to mount." },
        ["local"] = new() { Type = FieldType.Bool, Description = "Vault's replication flag: kept and listed; the servers sharing a store are one cluster." },
        ["seal_wrap"] = new() { Type = FieldType.Bool, Description = "Vault's seal wrapping: kept and listed; the barrier already encrypts every entry when a seal is configured." },
        ["external_entropy_access"] = new() { Type = FieldType.Bool, Description = "Vault's external entropy: kept and listed; plugins use the operating system's entropy." },
        ["scope"] = new() { Type = FieldType.String, Description = "Omitted, or 'global': both reload every running instance, since plugins run on the active node only." },
    };

    /// <summary>The declarations of the named fields.</summary>
    /// <param name="names">Field names among those above.</param>
    /// <returns>The declarations.</returns>
    public static IReadOnlyDictionary<string, FieldSchema> Of(params string[] names) =>
        names.ToDictionary(name => name, name => All[name], StringComparer.Ordinal);

    /// <summary>
    /// A mount's or audit device's <c>options</c> as Vault keeps them, strings: numbers and booleans are taken as their
    /// text (so <c>log_raw=true</c> works unquoted); anything else is refused.
    /// </summary>
    /// <param name="options">The <c>options</c> field.</param>
    /// <returns>The options.</returns>
    /// <exception cref="PluginHostException">A value is an object, an array or null (BadRequest).</exception>
    public static Dictionary<string, string> StringOptions(IReadOnlyDictionary<string, JsonElement> options) =>
        options.ToDictionary(
            o => o.Key,
            o => o.Value.ValueKind switch
            {
                JsonValueKind.String => o.Value.GetString() ?? "",
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => o.Value.GetRawText(),
                _ => throw new PluginHostException(ErrorCode.BadRequest, $"invalid value for 'options.{o.Key}': {o.Value.GetRawText()}; options are strings"),
            },
            StringComparer.Ordinal);
}
