using PluginHost.ConsoleHost.CommandLine;
using PluginHost.ConsoleHost.Server;

namespace PluginHost.ConsoleHost.Commands;

/// <summary><c>plugin-host server -dev [-dev-root-token-id=ID] [-dev-listen-address=ADDR] [-dev-plugin-dir=DIR]</c>.</summary>
internal sealed class ServerCommand : Command
{
    private BoolFlag _dev = null!;
    private StringFlag _rootToken = null!;
    private StringFlag _listenAddress = null!;
    private StringFlag _pluginDirectory = null!;

    public override string Name => "server";

    public override string Synopsis => "Start a PluginHost server";

    protected override bool UsesHost => false;

    protected override string HelpText => """
        Usage: plugin-host server [options]

          This command starts a PluginHost server that serves Vault's HTTP API (/v1):
          the system paths (sys/mounts, sys/auth, sys/plugins/catalog, sys/health)
          and every mounted secrets engine and auth method. Vault API clients and
          plugin-host's client mode (PLUGIN_HOST_ADDR or VAULT_ADDR) talk to it.

          Start a server in "dev" mode, in memory, with a known root token:

              $ plugin-host server -dev -dev-root-token-id=root

          The server runs until it receives SIGINT or SIGTERM; it then stops
          accepting requests, lets those in flight finish, stops its plugins and
          exits 0. Only dev mode is available in this version.
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

        if (!_dev.Value)
        {
            run.Ui.Error("Only dev mode is available in this version: run plugin-host server -dev");
            return 1;
        }

        var environment = run.Environment;
        var rootToken = FirstOf(_rootToken.Value, environment.GetVariable("PLUGIN_HOST_DEV_ROOT_TOKEN_ID"), environment.GetVariable("VAULT_DEV_ROOT_TOKEN_ID"))
            ?? DevServer.NewRootToken();
        var listenAddress = FirstOf(
            _listenAddress.IsSet ? _listenAddress.Value : null,
            environment.GetVariable("PLUGIN_HOST_DEV_LISTEN_ADDRESS"),
            environment.GetVariable("VAULT_DEV_LISTEN_ADDRESS")) ?? _listenAddress.Value;
        var pluginDirectory = _pluginDirectory.Value.Length == 0
            ? null
            : Path.GetFullPath(_pluginDirectory.Value, environment.CurrentDirectory);
        if (pluginDirectory is not null && !Directory.Exists(pluginDirectory))
        {
            run.Ui.Error($"Error: the plugin directory {pluginDirectory} does not exist (-dev-plugin-dir)");
            return 1;
        }

        return await DevServer.RunAsync(new DevServerSettings(listenAddress, rootToken, pluginDirectory), run.Ui, environment.Error, cancellationToken);
    }

    private static string? FirstOf(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
