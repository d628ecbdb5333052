using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Configuration;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Commands;

/// <summary>
/// A plugin-host command: its name, help and flags, parsed Go-style; <see cref="ExecuteAsync"/> does the work with the
/// positional arguments. A fresh instance serves each run, so flags live in fields.
/// </summary>
internal abstract class Command
{
    // Flags Vault treats as global: after a positional argument they draw no warning.
    private static readonly string[] GlobalFlags = ["format", "detailed"];

    private FlagSet? _flags;
    private StringFlag? _format;
    private StringFlag? _field;
    private StringFlag? _config;

    /// <summary>The full name, such as <c>secrets enable</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One line for command lists.</summary>
    public abstract string Synopsis { get; }

    /// <summary>The usage line and description, Vault-style; flag help is appended.</summary>
    protected abstract string HelpText { get; }

    /// <summary>Which output flags the command takes.</summary>
    protected virtual OutputFlags OutputFlags => OutputFlags.None;

    /// <summary>Whether the command takes no flags and ignores whatever it is given (<c>version</c>).</summary>
    protected virtual bool IgnoresArguments => false;

    /// <summary>Whether the command opens the host and so takes <c>-config</c>.</summary>
    protected virtual bool UsesHost => true;

    /// <summary>The value of <c>-field</c>, or empty.</summary>
    protected string Field => _field?.Value ?? "";

    public FlagSet Flags => _flags ??= BuildFlags();

    /// <summary>The help text, with the flags, as <c>-h</c> prints it.</summary>
    public virtual string Help()
    {
        var flags = Flags.Help();
        return (HelpText.Trim() + (flags.Length > 0 ? "\n\n" + flags : "")).Trim();
    }

    /// <summary>Parses the flags, then executes; returns the exit code.</summary>
    public async Task<int> RunAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (IgnoresArguments)
        {
            return await ExecuteAsync(run, [], cancellationToken);
        }

        IReadOnlyList<string> positional;
        try
        {
            positional = Flags.Parse(args);
        }
        catch (UsageException error)
        {
            run.Ui.Error(error.Message);
            return 1;
        }

        WarnAboutTrailingFlags(run, positional);
        run.ConfigFile = _config?.Value;
        try
        {
            return await ExecuteAsync(run, positional, cancellationToken);
        }
        catch (Exception error) when (error is UsageException or ConfigException)
        {
            run.Ui.Error(error.Message);
            return 1;
        }
    }

    protected abstract Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken);

    /// <summary>Adds the command's own flags (the <c>Command Options</c> section).</summary>
    protected virtual void AddFlags(FlagSet flags)
    {
    }

    /// <summary>Whether <paramref name="error"/> is a failed request (printed after the command's prefix, exit 2).</summary>
    internal static bool IsRequestError(Exception error) => error is ResponseException or TargetUnavailableException;

    /// <summary>Prints <c>PREFIX: error</c> to stderr and returns 2, as Vault does for API errors.</summary>
    internal static int Fail(CommandRun run, string prefix, Exception error)
    {
        run.Ui.Error($"{prefix}: {error.Message}");
        return 2;
    }

    /// <summary>Checks the number of positional arguments with Vault's messages; prints and returns false when wrong.</summary>
    protected static bool CheckArguments(CommandRun run, IReadOnlyList<string> args, int min, int max, string expected)
    {
        if (args.Count < min)
        {
            run.Ui.Error($"Not enough arguments (expected {expected}, got {args.Count})");
            return false;
        }

        if (args.Count > max)
        {
            run.Ui.Error($"Too many arguments (expected {expected}, got {args.Count})");
            return false;
        }

        return true;
    }

    private FlagSet BuildFlags()
    {
        var flags = new FlagSet();
        if (UsesHost)
        {
            _config = flags.Add("Config Options", new StringFlag(
                "config",
                "string",
                "The config file to read: plugin_directory, data_directory, log_level and lock_timeout. The default is " +
                "plugin-host.hcl in the current directory, if it exists. This can also be specified via the " +
                $"{ConfigLoader.EnvironmentVariable} environment variable."));
        }

        if (OutputFlags.HasFlag(OutputFlags.Field))
        {
            _field = flags.Add("Output Options", new StringFlag(
                "field",
                "string",
                "Print only the field with the given name. Specifying this option will take precedence over other " +
                "formatting directives. The result will not have a trailing newline making it ideal for piping to " +
                "other processes."));
        }

        if (OutputFlags.HasFlag(OutputFlags.Format))
        {
            _format = flags.Add("Output Options", new StringFlag(
                "format",
                "string",
                "Print the output in the given format. Valid formats are \"table\" or \"json\". The default is table. " +
                $"This can also be specified via the {PluginHostCli.FormatVariable} environment variable.",
                "table"));
        }

        AddFlags(flags);
        return flags;
    }

    private static void WarnAboutTrailingFlags(CommandRun run, IReadOnlyList<string> positional)
    {
        var trailing = positional
            .Where(a => a.StartsWith('-') && a != "-" && !GlobalFlags.Contains(a.TrimStart('-').Split('=', 2)[0]))
            .ToArray();
        if (trailing.Length > 0 && run.Ui.IsTable)
        {
            run.Ui.Warn(
                "Command flags must be provided before positional arguments. " +
                $"The following arguments will not be parsed as flags: [{string.Join(',', trailing)}]");
        }
    }
}
