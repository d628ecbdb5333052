using System.Text.Json;
using PluginHost.ConsoleHost.CommandLine;

namespace PluginHost.ConsoleHost.Commands;

/// <summary><c>plugin-host plugin register -sha256=… TYPE NAME</c>: writes <c>sys/plugins/catalog/TYPE/NAME</c>.</summary>
internal sealed class PluginRegisterCommand : Command
{
    private const string Section = "Command Options";

    private StringListFlag _args = null!;
    private StringFlag _command = null!;
    private StringFlag _sha256 = null!;
    private StringFlag _version = null!;
    private StringListFlag _env = null!;

    public override string Name => "plugin register";

    public override string Synopsis => "Registers a new plugin in the catalog";

    protected override string HelpText => """
        Usage: plugin-host plugin register [options] TYPE NAME

          Registers a new plugin in the catalog. The plugin binary must exist in the
          configured plugin directory, and hash to the given SHA-256. The argument of
          type takes "auth" or "secret".

          Register a plugin:

              $ plugin-host plugin register \
                  -sha256=d3f0a8be02f6c074cf38c9c99d4d04c9c6466249 \
                  secret my-mock-plugin

          Register a plugin with custom arguments:

              $ plugin-host plugin register \
                  -sha256=d3f0a8be02f6c074cf38c9c99d4d04c9c6466249 \
                  -args=--with-glibc,--with-cgo \
                  auth my-custom-plugin
        """;

    protected override void AddFlags(FlagSet flags)
    {
        _args = flags.Add(Section, new StringListFlag(
            "args",
            "Argument to pass to the plugin when starting. This flag can be specified multiple times to specify multiple args."));
        _command = flags.Add(Section, new StringFlag(
            "command",
            "string",
            "Command to spawn the plugin, relative to the plugin directory. This defaults to the name of the plugin if unspecified."));
        _env = flags.Add(Section, new StringListFlag(
            "env",
            "Environment variables to set for the plugin when starting, as KEY=VALUE. This flag can be specified multiple times to specify multiple environment variables."));
        _sha256 = flags.Add(Section, new StringFlag("sha256", "string", "SHA256 of the plugin binary. This is required for all plugins."));
        _version = flags.Add(Section, new StringFlag("version", "string", "Semantic version of the plugin. Optional."));
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 2, 2, "2"))
        {
            return 1;
        }

        if (_sha256.Value.Length == 0)
        {
            run.Ui.Error("SHA256 is required for all plugins, please provide -sha256");
            return 1;
        }

        if (PluginTypes.CatalogPath(run, args) is not var (path, name))
        {
            return 2;
        }

        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["sha256"] = JsonSerializer.SerializeToElement(_sha256.Value),
            ["command"] = JsonSerializer.SerializeToElement(_command.Value.Length > 0 ? _command.Value : name),
        };
        if (_args.Values.Count > 0)
        {
            data["args"] = JsonSerializer.SerializeToElement(_args.Values);
        }

        if (_env.Values.Count > 0)
        {
            data["env"] = JsonSerializer.SerializeToElement(_env.Values);
        }

        if (_version.Value.Length > 0)
        {
            data["version"] = JsonSerializer.SerializeToElement(_version.Value);
        }

        try
        {
            await run.Client.WriteAsync(path, data, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error registering plugin {name}", error);
        }

        run.Ui.Output($"Success! Registered plugin: {name}");
        return 0;
    }
}
