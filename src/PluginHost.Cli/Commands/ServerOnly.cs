using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary>
/// The seal belongs to a running server: <c>operator init</c>, <c>unseal</c>, <c>seal</c> and <c>status</c> talk to one
/// (client mode). In embedded mode there is none to talk to, and they say so instead of opening the data directory.
/// </summary>
internal static class ServerOnly
{
    /// <summary>True in client mode; otherwise prints why <paramref name="command"/> needs a server and returns false.</summary>
    public static bool Check(CommandRun run, Command command)
    {
        if (run.Client.IsRemote)
        {
            return true;
        }

        run.Ui.Error(TextWrap.WithPadding(
            $"Error: {PluginHostCli.Name} {command.Name} needs a running server, and PLUGIN_HOST_ADDR is not set: the " +
            "seal is the server's. Start one with \"plugin-host server -config=FILE\" and set PLUGIN_HOST_ADDR (or " +
            "VAULT_ADDR) to its address, such as http://127.0.0.1:8200.",
            0));
        return false;
    }
}
