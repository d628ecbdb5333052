using System.Text.Json;
using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host secrets enable [-path=P] TYPE</c>: writes <c>sys/mounts/P</c>.</summary>
internal sealed class SecretsEnableCommand : Command
{
    private readonly MountFlags _mount = new();

    public override string Name => "secrets enable";

    public override string Synopsis => "Enable a secrets engine";

    protected override string HelpText => """
        Usage: plugin-host secrets enable [options] TYPE

          Enables a secrets engine. By default, secrets engines are enabled at the path
          corresponding to their TYPE, but users can customize the path using the
          -path option. TYPE is the name of a plugin in the catalog: a builtin such
          as "kv", or a registered external plugin.

          Once enabled, the host will route all requests which begin with the path to
          the secrets engine.

          Enable the builtin kv secrets engine at kv/:

              $ plugin-host secrets enable kv

          Enable a registered plugin at a custom path:

              $ plugin-host secrets enable -path=my-secrets-plugin my-mock-plugin

          For a full list of secrets engines and examples, please see the
          documentation.
        """;

    protected override void AddFlags(FlagSet flags) => _mount.Add(flags, "secrets engine", engineVersion: true);

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        var plugin = _mount.PluginOf(args[0]);
        var mountPath = Paths.EnsureTrailingSlash(_mount.Path.Value.Length > 0 ? _mount.Path.Value : plugin);
        try
        {
            await run.Client.WriteAsync($"sys/mounts/{Paths.Sanitize(mountPath)}", _mount.ToData(plugin), cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error enabling", error);
        }

        var thing = await IsExternalAsync(run, plugin, cancellationToken) ? $"{plugin} plugin" : $"{plugin} secrets engine";
        if (_mount.PluginVersion.Value.Length > 0)
        {
            thing += " version " + _mount.PluginVersion.Value;
        }

        run.Ui.Output($"Success! Enabled the {thing} at: {mountPath}");
        return 0;
    }

    // The guide says "the my-mock-plugin plugin" for an external plugin and "the kv secrets engine" for a builtin.
    private async Task<bool> IsExternalAsync(CommandRun run, string plugin, CancellationToken cancellationToken)
    {
        try
        {
            var entry = await run.Client.ReadAsync($"sys/plugins/catalog/secret/{plugin}", PluginTypes.VersionData(_mount.PluginVersion.Value), cancellationToken);
            return entry?.Data is { } data && data.TryGetValue("builtin", out var builtin) && builtin.ValueKind == JsonValueKind.False;
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return false;
        }
    }
}
