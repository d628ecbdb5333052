using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Commands;
using PluginHost.Cli.Configuration;
using PluginHost.Cli.Hosting;
using PluginHost.Cli.Output;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli;

/// <summary>
/// plugin-host's entry point: finds the command in the arguments the way Vault's CLI (mitchellh/cli) does, handles
/// <c>-h</c> and the output format, and runs the command. Exit codes: 0 ok, 1 usage or local error, 2 error from the
/// host or a backend, 127 unknown command.
/// </summary>
internal static class PluginHostCli
{
    public const string Name = "plugin-host";
    public const string FormatVariable = "PLUGIN_HOST_FORMAT";

    private static readonly string[] Formats = ["table", "json"];

    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="environment">Streams, environment variables and directories.</param>
    /// <param name="openTarget">Opens the host for a config; embedded by default, replaceable in tests.</param>
    /// <param name="cancellationToken">Cancels the command (Ctrl+C).</param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        CliEnvironment environment,
        Func<HostConfig, IRequestTarget>? openTarget = null,
        CancellationToken cancellationToken = default)
    {
        if (args is ["-v" or "-version" or "--version"])
        {
            args = ["version"];
        }

        var format = (FormatIn(args) ?? environment.GetVariable(FormatVariable) ?? "").ToLowerInvariant();
        format = format.Length == 0 ? "table" : format;
        var ui = new Ui(environment, format);
        if (!Formats.Contains(format))
        {
            ui.Error($"Invalid output format: {Echo.Of(format)}");
            return 1;
        }

        try
        {
            return await RunCommandAsync(args, environment, ui, openTarget, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Every foreseen failure has its own message and exit code below this; this is for the rest.
            return UnexpectedFailure.Report(ui, environment, error);
        }
    }

    private static async Task<int> RunCommandAsync(
        IReadOnlyList<string> args,
        CliEnvironment environment,
        Ui ui,
        Func<HostConfig, IRequestTarget>? openTarget,
        CancellationToken cancellationToken)
    {
        var line = CommandLineParts.Of(args);
        if (line.IsHelp && line.Command is null)
        {
            ui.Error(CommandTable.TopLevelHelp());
            return 0;
        }

        if (line.Command is null)
        {
            ui.Error(CommandTable.TopLevelHelp());
            return 127;
        }

        var command = line.Command;
        if (line.FlagsBeforeCommand)
        {
            ui.Error("Invalid flags before the subcommand. If these flags are for\nthe subcommand, please put them after the subcommand.\n");
            ui.Error(CommandTable.HelpOf(command));
            return 1;
        }

        if (line.IsHelp)
        {
            ui.Error(CommandTable.HelpOf(command));
            return 0;
        }

        Func<string?, HostConfig> loadConfig = new ConfigLoader(environment).Load;
        if (openTarget is null && ClientMode.AddressOf(environment) is var (variable, address))
        {
            // Client mode: the server has the directories; no config file is read and nothing is opened here.
            loadConfig = _ => ClientMode.NoLocalConfig;
            openTarget = _ => ClientMode.Open(environment, variable, address, ClientMode.TokenOf(environment));
        }

        openTarget ??= config => new EmbeddedTarget(config, new StderrLoggerFactory(environment.Error, config.LogLevel));
        await using var run = new CommandRun(environment, ui, loadConfig, openTarget);
        var code = await command.RunAsync(run, line.Arguments, cancellationToken);
        if (code == GroupCommand.ShowHelp)
        {
            ui.Error(CommandTable.HelpOf(command));
            return 1;
        }

        return code;
    }

    // Vault reads -format from anywhere on the line before "--" (the last one wins), so a trailing one still counts.
    private static string? FormatIn(IReadOnlyList<string> args)
    {
        string? format = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                break;
            }

            if (arg is "-format" or "--format")
            {
                if (i + 1 < args.Count)
                {
                    format = args[++i];
                }
            }
            else if (arg.StartsWith("-format=", StringComparison.Ordinal) || arg.StartsWith("--format=", StringComparison.Ordinal))
            {
                format = arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..];
            }
        }

        return format;
    }
}
