using System.Text.Json;
using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host secrets tune [options] PATH</c>: writes <c>sys/mounts/PATH/tune</c>.</summary>
internal sealed class SecretsTuneCommand : Command
{
    private const string Section = "Command Options";

    private DurationFlag _defaultLeaseTtl = null!;
    private DurationFlag _maxLeaseTtl = null!;
    private StringFlag _description = null!;
    private MapFlag _options = null!;
    private StringFlag _pluginVersion = null!;

    public override string Name => "secrets tune";

    public override string Synopsis => "Tune a secrets engine configuration";

    protected override string HelpText => """
        Usage: plugin-host secrets tune [options] PATH

          Tunes the configuration options for the secrets engine at the given PATH.
          The argument corresponds to the PATH where the secrets engine is enabled,
          not the TYPE! Changing options or the plugin version restarts the engine
          without downtime.

          Tune the default lease for the secrets engine at my-secrets-plugin/:

              $ plugin-host secrets tune -default-lease-ttl=72h my-secrets-plugin/
        """;

    protected override void AddFlags(FlagSet flags)
    {
        _defaultLeaseTtl = flags.Add(Section, new DurationFlag(
            "default-lease-ttl",
            "The default lease TTL for this secrets engine. If unspecified, this defaults to the host's default lease TTL, or a previously configured value for the secrets engine."));
        _description = flags.Add(Section, new StringFlag(
            "description",
            "string",
            "Human-friendly description of this secrets engine. This overrides the current stored value, if any."));
        _maxLeaseTtl = flags.Add(Section, new DurationFlag(
            "max-lease-ttl",
            "The maximum lease TTL for this secrets engine. If unspecified, this defaults to the host's maximum lease TTL, or a previously configured value for the secrets engine."));
        _options = flags.Add(Section, new MapFlag(
            "options",
            "Key-value pair provided as key=value for the mount options. An empty value removes the option. This can be specified multiple times."));
        _pluginVersion = flags.Add(Section, new StringFlag(
            "plugin-version",
            "string",
            "Select the semantic version of the plugin to run. The new version must be registered in the plugin catalog."));
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        var mountPath = Paths.Mount(args[0]);
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (_defaultLeaseTtl.IsSet)
        {
            data["default_lease_ttl"] = JsonSerializer.SerializeToElement((long)_defaultLeaseTtl.Value.TotalSeconds);
        }

        if (_maxLeaseTtl.IsSet)
        {
            data["max_lease_ttl"] = JsonSerializer.SerializeToElement((long)_maxLeaseTtl.Value.TotalSeconds);
        }

        if (_description.IsSet)
        {
            data["description"] = JsonSerializer.SerializeToElement(_description.Value);
        }

        if (_options.Values.Count > 0)
        {
            data["options"] = JsonSerializer.SerializeToElement(_options.Values);
        }

        if (_pluginVersion.IsSet)
        {
            data["plugin_version"] = JsonSerializer.SerializeToElement(_pluginVersion.Value);
        }

        try
        {
            await run.Client.WriteAsync($"sys/mounts/{Paths.Sanitize(mountPath)}/tune", data, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error tuning secrets engine {mountPath}", error);
        }

        run.Ui.Output($"Success! Tuned the secrets engine at: {mountPath}");
        return 0;
    }
}
