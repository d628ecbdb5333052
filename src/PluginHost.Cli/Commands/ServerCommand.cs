using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Configuration;
using PluginHost.Cli.Output;
using PluginHost.Cli.Server;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host server -config=FILE</c>, or <c>plugin-host server -dev [-dev-root-token-id=ID]
/// [-dev-listen-address=ADDR] [-dev-plugin-dir=DIR]</c>.
/// </summary>
internal sealed class ServerCommand : Command
{
    private BoolFlag _dev = null!;
    private StringFlag _rootToken = null!;
    private StringFlag _listenAddress = null!;
    private StringFlag _pluginDirectory = null!;

    public override string Name => "server";

    public override string Synopsis => "Start a PluginHost server";

    protected override string HelpText => """
        Usage: plugin-host server [options]

          This command starts a PluginHost server that serves Vault's HTTP API (/v1):
          the system paths (sys/mounts, sys/auth, sys/plugins/catalog, sys/health)
          and every mounted secrets engine and auth method. Vault API clients and
          plugin-host's client mode (PLUGIN_HOST_ADDR or VAULT_ADDR) talk to it.

          Start a server from a config file (plugin_directory, data_directory,
          log_level and listener "tcp" { address = "127.0.0.1:8200" }). It starts
          sealed: initialize it once with "plugin-host operator init", and unseal it
          after every start with "plugin-host operator unseal". With a
          seal "static" { key_file = "…" } stanza it opens itself instead, and its
          first start on a data directory prints the root token, once:

              $ plugin-host server -config=plugin-host.hcl

          Start a server in "dev" mode, in memory, with a known root token:

              $ plugin-host server -dev -dev-root-token-id=root

          The server runs until it receives SIGINT or SIGTERM; it then stops
          accepting requests, lets those in flight finish, stops its plugins and
          exits 0. SIGHUP re-reads the config file and applies its plugin_directory
          and log_level without dropping mounts or requests; a bad file is logged
          and the running configuration kept.
        """;

    protected override void AddFlags(FlagSet flags)
    {
        _dev = flags.Add("Dev Options", new BoolFlag(
            "dev",
            "Enable development mode. In this mode, the server runs in memory with one root token and listens on " +
            "127.0.0.1:8200 unless told otherwise. It is not for production."));
        _rootToken = flags.Add("Dev Options", new StringFlag(
            "dev-root-token-id",
            "string",
            "Initial root token. This only applies when running in \"dev\" mode. This can also be specified via the " +
            "PLUGIN_HOST_DEV_ROOT_TOKEN_ID (or VAULT_DEV_ROOT_TOKEN_ID) environment variable."));
        _listenAddress = flags.Add("Dev Options", new StringFlag(
            "dev-listen-address",
            "string",
            "Address to bind to in \"dev\" mode. This can also be specified via the PLUGIN_HOST_DEV_LISTEN_ADDRESS (or " +
            "VAULT_DEV_LISTEN_ADDRESS) environment variable.",
            "127.0.0.1:8200"));
        _pluginDirectory = flags.Add("Dev Options", new StringFlag(
            "dev-plugin-dir",
            "string",
            "The plugin directory: the catalog registers binaries from it (register each with plugin-host plugin " +
            "register or a write to sys/plugins/catalog)."));
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 0, 0, "0"))
        {
            return 1;
        }

        var environment = run.Environment;
        if (!_dev.Value)
        {
            return await RunFromConfigAsync(run, cancellationToken);
        }

        var rootToken = FirstOf(_rootToken.Value, environment.GetVariable("PLUGIN_HOST_DEV_ROOT_TOKEN_ID"), environment.GetVariable("VAULT_DEV_ROOT_TOKEN_ID"))
            ?? PluginHostServer.NewRootToken();
        // A flag given empty is a mistake to report, not a reason to fall back to the default.
        var listenAddress = _listenAddress.IsSet
            ? _listenAddress.Value
            : FirstOf(environment.GetVariable("PLUGIN_HOST_DEV_LISTEN_ADDRESS"), environment.GetVariable("VAULT_DEV_LISTEN_ADDRESS")) ?? _listenAddress.Value;
        if (!ListenAddressValidator.TryParse(listenAddress, out var addressProblem))
        {
            // Refused before anything listens: Kestrel would take a mistyped host for "every interface".
            var source = _listenAddress.IsSet ? "-dev-listen-address"
                : environment.GetVariable("PLUGIN_HOST_DEV_LISTEN_ADDRESS") is { Length: > 0 } ? "PLUGIN_HOST_DEV_LISTEN_ADDRESS"
                : "VAULT_DEV_LISTEN_ADDRESS";
            run.Ui.Error($"Error: {source} {addressProblem}");
            return 1;
        }

        var pluginDirectory = _pluginDirectory.Value.Length == 0
            ? null
            : Path.GetFullPath(_pluginDirectory.Value, environment.CurrentDirectory);
        if (pluginDirectory is not null && PluginHostServer.PluginDirectoryProblem(pluginDirectory) is { } problem)
        {
            run.Ui.Error($"Error: the plugin directory {Echo.Of(pluginDirectory)} {problem} (-dev-plugin-dir)");
            return 1;
        }

        var config = new HostConfig { DataDirectory = "", PluginDirectory = pluginDirectory, LogLevel = LogLevelSetting.Info };
        return await PluginHostServer.RunAsync(new ServerSettings(listenAddress, rootToken, config), reloadConfig: null, run.Ui, cancellationToken);
    }

    private static async Task<int> RunFromConfigAsync(CommandRun run, CancellationToken cancellationToken)
    {
        var loader = new ConfigLoader(run.Environment);
        var config = loader.Load(run.ConfigFile);
        if (config.SourceFile is null)
        {
            run.Ui.Error($"A config file must be specified with -config (or {ConfigLoader.EnvironmentVariable}, or ./{ConfigLoader.DefaultFileName}), or use -dev");
            return 1;
        }

        if (config.PluginDirectory is { } directory && PluginHostServer.PluginDirectoryProblem(directory) is { } problem)
        {
            run.Ui.Error($"Error: the plugin directory {Echo.Of(directory)} {problem} ({config.WhereToSetPluginDirectory})");
            return 1;
        }

        // The file that was read is the one SIGHUP reads again.
        var file = config.SourceFile;
        var settings = new ServerSettings(config.Address ?? HostConfig.DefaultAddress, DevRootToken: null, config);
        return await PluginHostServer.RunAsync(settings, () => loader.Load(file), run.Ui, cancellationToken);
    }

    private static string? FirstOf(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
