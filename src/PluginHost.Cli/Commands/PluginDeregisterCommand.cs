using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host plugin deregister TYPE NAME</c>: deletes <c>sys/plugins/catalog/TYPE/NAME</c>.</summary>
internal sealed class PluginDeregisterCommand : Command
{
    private StringFlag _version = null!;

    public override string Name => "plugin deregister";

    public override string Synopsis => "Deregister an existing plugin in the catalog";

    protected override string HelpText => """
        Usage: plugin-host plugin deregister [options] TYPE NAME

          Deregister an existing plugin in the catalog. If the plugin does not exist,
          no action is taken (the command is idempotent). The argument of type
          takes "auth", "database", or "secret". Mounts of the plugin stay, and their
          requests fail until it is registered again.

          Deregister a plugin:

              $ plugin-host plugin deregister secret my-mock-plugin
        """;

    protected override void AddFlags(FlagSet flags) =>
        _version = flags.Add("Command Options", new StringFlag(
            "version",
            "string",
            "Semantic version of the plugin to deregister. If unset, only an unversioned plugin may be deregistered."));

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 2, 2, "2"))
        {
            return 1;
        }

        if (PluginTypes.CatalogPath(run, args) is not var (path, name))
        {
            return 2;
        }

        try
        {
            await run.Client.DeleteAsync(path, PluginTypes.VersionData(_version.Value), cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error deregistering plugin named {name}", error);
        }

        run.Ui.Output($"Success! Deregistered plugin (if it was registered): {name}");
        return 0;
    }
}
