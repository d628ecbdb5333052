using System.Text.Json;
using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary>
/// The flags <c>secrets enable</c> and <c>auth enable</c> share, and the body of the <c>sys/mounts/&lt;path&gt;</c> or
/// <c>sys/auth/&lt;path&gt;</c> write they become.
/// </summary>
internal sealed class MountFlags
{
    private const string Section = "Command Options";

    private StringFlag _description = null!;
    private DurationFlag _defaultLeaseTtl = null!;
    private DurationFlag _maxLeaseTtl = null!;
    private StringFlag _pluginName = null!;
    private MapFlag _options = null!;
    private IntFlag? _version;

    public StringFlag Path { get; private set; } = null!;

    public StringFlag PluginVersion { get; private set; } = null!;

    public string PluginName => _pluginName.Value;

    /// <summary>Adds the flags; <paramref name="engineVersion"/> adds <c>-version</c> (secrets engines only, as Vault).</summary>
    public void Add(FlagSet flags, string kind, bool engineVersion = false)
    {
        _description = flags.Add(Section, new StringFlag("description", "string", $"Human-friendly description for the purpose of this {kind}."));
        Path = flags.Add(Section, new StringFlag(
            "path",
            "string",
            $"Place where the {kind} will be accessible. This must be unique across all {kind}s. This defaults to the " +
            $"\"type\" of the {kind}."));
        _defaultLeaseTtl = flags.Add(Section, new DurationFlag(
            "default-lease-ttl",
            $"The default lease TTL for this {kind}. If unspecified, this defaults to the host's default lease TTL."));
        _maxLeaseTtl = flags.Add(Section, new DurationFlag(
            "max-lease-ttl",
            $"The maximum lease TTL for this {kind}. If unspecified, this defaults to the host's maximum lease TTL."));
        _pluginName = flags.Add(Section, new StringFlag(
            "plugin-name",
            "string",
            $"Name of the plugin to mount when TYPE is \"plugin\", as in Vault's older syntax. Give the plugin's name as TYPE instead."));
        PluginVersion = flags.Add(Section, new StringFlag(
            "plugin-version",
            "string",
            "Select the semantic version of the plugin to enable."));
        _options = flags.Add(Section, new MapFlag(
            "options",
            $"Key-value pair provided as key=value for the mount options. This can be specified multiple times."));
        if (engineVersion)
        {
            _version = flags.Add(Section, new IntFlag(
                "version",
                "Select the version of the engine to run (the kv engine: 1 or 2). Not supported by all engines."));
        }
    }

    /// <summary>The plugin named by TYPE, or by <c>-plugin-name</c> when TYPE is <c>plugin</c>.</summary>
    public string PluginOf(string type)
    {
        var trimmed = type.Trim();
        return trimmed == "plugin" ? PluginName : trimmed;
    }

    /// <summary>The request body: <c>type</c>, and what the flags set.</summary>
    public Dictionary<string, JsonElement> ToData(string plugin)
    {
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["type"] = Element(plugin) };
        if (_description.IsSet)
        {
            data["description"] = Element(_description.Value);
        }

        if (PluginVersion.IsSet)
        {
            data["plugin_version"] = Element(PluginVersion.Value);
        }

        var config = new Dictionary<string, long>(StringComparer.Ordinal);
        if (_defaultLeaseTtl.IsSet)
        {
            config["default_lease_ttl"] = (long)_defaultLeaseTtl.Value.TotalSeconds;
        }

        if (_maxLeaseTtl.IsSet)
        {
            config["max_lease_ttl"] = (long)_maxLeaseTtl.Value.TotalSeconds;
        }

        if (config.Count > 0)
        {
            data["config"] = Element(config);
        }

        var options = new SortedDictionary<string, string>(_options.Values.ToDictionary(), StringComparer.Ordinal);
        if (_version is { Value: > 0 } version)
        {
            options["version"] = version.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (options.Count > 0)
        {
            data["options"] = Element(options);
        }

        return data;
    }

    private static JsonElement Element<T>(T value) => JsonSerializer.SerializeToElement(value);
}
