using System.Text.Json;
using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host plugin register -sha256=… TYPE NAME</c>: writes <c>sys/plugins/catalog/TYPE/NAME</c>.</summary>
internal sealed class PluginRegisterCommand : Command
{
    private const string Section = "Command Options";

    private StringListFlag _args = null!;
    private StringFlag _command = null!;
    private StringFlag _sha256 = null!;
    private StringFlag _version = null!;
    private StringListFlag _env = null!;
    private StringFlag _memoryLimit = null!;
    private StringFlag _maxProcesses = null!;
    private StringFlag _maxOpenFiles = null!;

    public override string Name => "plugin register";

    public override string Synopsis => "Registers a new plugin in the catalog";

    protected override string HelpText => """
        Usage: plugin-host plugin register [options] TYPE NAME

          Registers a new plugin in the catalog. The plugin binary must exist in the
          configured plugin directory, and hash to the given SHA-256. The argument of
          type takes "auth", "database", or "secret".

          Register a plugin:

              $ plugin-host plugin register \
                  -sha256=d3f0a8be02f6c074cf38c9c99d4d04c9c6466249 \
                  secret my-mock-plugin

          Register a plugin with custom arguments:

              $ plugin-host plugin register \
                  -sha256=d3f0a8be02f6c074cf38c9c99d4d04c9c6466249 \
                  -args=--with-glibc,--with-cgo \
                  auth my-custom-plugin

          Register a plugin that may use 256 MiB of memory, 64 processes and 512 open files:

              $ plugin-host plugin register \
                  -sha256=d3f0a8be02f6c074cf38c9c99d4d04c9c6466249 \
                  -memory-limit=256MiB -max-processes=64 -max-open-files=512 \
                  secret my-mock-plugin
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
        _memoryLimit = flags.Add(Section, new StringFlag(
            "memory-limit",
            "size",
            "Memory the plugin may use, in bytes or with a unit (256MiB, 1GiB). The host's default applies when unset."));
        _maxProcesses = flags.Add(Section, new StringFlag(
            "max-processes",
            "int",
            "How many processes (and threads) the plugin may have. The host's default applies when unset."));
        _maxOpenFiles = flags.Add(Section, new StringFlag(
            "max-open-files",
            "int",
            "How many files the plugin may have open. The host's default applies when unset."));
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

        // Sent as given: the host validates them and answers what is wrong.
        foreach (var (field, flag) in new[] { ("memory_limit", _memoryLimit), ("max_processes", _maxProcesses), ("max_open_files", _maxOpenFiles) })
        {
            if (flag.Value.Length > 0)
            {
                data[field] = JsonSerializer.SerializeToElement(flag.Value);
            }
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
