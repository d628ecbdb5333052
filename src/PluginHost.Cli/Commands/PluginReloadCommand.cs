using System.Text.Json;
using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host plugin reload -plugin=NAME | -mounts=PATH,…</c>: writes <c>sys/plugins/reload/backend</c>.</summary>
internal sealed class PluginReloadCommand : Command
{
    private const string Section = "Command Options";

    private StringFlag _plugin = null!;
    private StringListFlag _mounts = null!;
    private StringFlag _scope = null!;
    private StringFlag _type = null!;

    public override string Name => "plugin reload";

    public override string Synopsis => "Reload mounted plugin backend";

    protected override string HelpText => """
        Usage: plugin-host plugin reload [options]

          Reloads mounted plugins. Either the plugin name or the desired plugin
          mount(s) must be provided, but not both. A reload starts the plugin's
          current catalog entry (a re-registered binary) and switches requests to it
          without downtime; if it cannot start, the old one keeps serving.

          Reload a plugin by name:

              $ plugin-host plugin reload -plugin my-custom-plugin

          Reload an individual mount:

              $ plugin-host plugin reload -mounts my-custom-plugin-path

          Reload multiple mounts:

              $ plugin-host plugin reload -mounts my-custom-plugin-path-1 -mounts my-custom-plugin-path-2
        """;

    protected override void AddFlags(FlagSet flags)
    {
        _plugin = flags.Add(Section, new StringFlag("plugin", "string", "The name of the plugin to reload, as registered in the plugin catalog."));
        _mounts = flags.Add(Section, new StringListFlag(
            "mounts",
            "Array or comma-separated string mount paths of the plugin backends to reload."));
        _scope = flags.Add(Section, new StringFlag(
            "scope",
            "string",
            "The scope of the reload, omitted for local, 'global', for replicated reloads. Plugins run on the active node only (standbys forward the request to it), so both reload every running instance."));
        _type = flags.Add(Section, new StringFlag(
            "type",
            "string",
            "The type of plugin to reload, one of auth, secret, or database. Mutually exclusive with -mounts. If not provided, all plugins with a matching name will be reloaded."));
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var mounts = _mounts.Values.SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        var error = args.Count != 0 ? $"Too many arguments (expected 0, got {args.Count})"
            : _plugin.Value.Length == 0 && mounts.Length == 0 ? "No plugins specified, must specify exactly one of -plugin or -mounts"
            : _plugin.Value.Length > 0 && mounts.Length > 0 ? "Must specify exactly one of -plugin or -mounts"
            : _scope.Value is not ("" or "global") ? $"Invalid reload scope: {_scope.Value}"
            : mounts.Length > 0 && _type.Value.Length > 0 ? "Cannot specify -type with -mounts"
            : _type.Value.Length > 0 && PluginTypes.Parse(_type.Value, out var typeError) is null
                ? $"Error parsing -type as a plugin type, must be unset or one of auth, secret, or database: {typeError}"
            : null;
        if (error is not null)
        {
            run.Ui.Error(error);
            return 1;
        }

        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (mounts.Length > 0)
        {
            data["mounts"] = JsonSerializer.SerializeToElement(mounts);
        }
        else
        {
            data["plugin"] = JsonSerializer.SerializeToElement(_plugin.Value);
        }

        if (_scope.Value.Length > 0)
        {
            data["scope"] = JsonSerializer.SerializeToElement(_scope.Value);
        }

        if (_type.Value.Length > 0)
        {
            data["type"] = JsonSerializer.SerializeToElement(_type.Value.Trim());
        }

        Requests.Secret? answer;
        try
        {
            answer = await run.Client.WriteAsync("sys/plugins/reload/backend", data, cancellationToken);
        }
        catch (Exception failure) when (IsRequestError(failure))
        {
            return Fail(run, "Error reloading plugin/mounts", failure);
        }

        var reloadId = _scope.Value == "global" && answer?.Data is { } reply && reply.TryGetValue("reload_id", out var id)
            ? Output.GoValueFormatter.Format(id)
            : "";
        var what = mounts.Length > 0 ? $"mounts: [{string.Join(' ', mounts)}]" : $"plugin: {_plugin.Value}";
        run.Ui.Output(reloadId.Length > 0 ? $"Success! Reloading {what}, reload_id: {reloadId}" : $"Success! Reloaded {what}");
        return 0;
    }
}
