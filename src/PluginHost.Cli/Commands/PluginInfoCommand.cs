using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host plugin info TYPE NAME</c>: reads <c>sys/plugins/catalog/TYPE/NAME</c>.</summary>
internal sealed class PluginInfoCommand : Command
{
    // Vault's plugin info shows these fields of the catalog entry (not env, whose values may be secrets).
    private static readonly string[] Fields = ["args", "builtin", "command", "deprecation_status", "max_open_files", "max_processes", "memory_limit", "name", "sha256", "version"];

    // PluginHost's own fields, shown only when the entry sets them (Vault's output stays as it is otherwise).
    private static readonly string[] Limits = ["max_open_files", "max_processes", "memory_limit"];

    private StringFlag _version = null!;

    public override string Name => "plugin info";

    public override string Synopsis => "Read information about a plugin in the catalog";

    protected override OutputFlags OutputFlags => OutputFlags.Format | OutputFlags.Field;

    protected override string HelpText => """
        Usage: plugin-host plugin info [options] TYPE NAME

          Displays information about a plugin in the catalog with the given name. If
          the plugin does not exist, an error is returned. The argument of type
          takes "auth", "database", or "secret".

          Get info about a plugin:

              $ plugin-host plugin info secret my-mock-plugin
        """;

    protected override void AddFlags(FlagSet flags) =>
        _version = flags.Add("Command Options", new StringFlag("version", "string", "Semantic version of the plugin. Optional."));

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

        Requests.Secret? entry;
        try
        {
            entry = await run.Client.ReadAsync(path, PluginTypes.VersionData(_version.Value), cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error reading plugin named {name}", error);
        }

        if (entry?.Data is not { } data)
        {
            run.Ui.Error($"No value found for plugin \"{Echo.Of(name)}\"");
            return 2;
        }

        var shown = data.Where(p => Fields.Contains(p.Key) && !(Limits.Contains(p.Key) && p.Value.ValueKind == System.Text.Json.JsonValueKind.Null)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return Field.Length > 0 ? SecretOutput.PrintRawField(run.Ui, shown, Field) : SecretOutput.OutputData(run.Ui, shown);
    }
}
