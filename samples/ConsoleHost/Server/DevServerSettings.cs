namespace PluginHost.ConsoleHost.Server;

/// <summary>What <c>plugin-host server -dev</c> runs with.</summary>
/// <param name="ListenAddress">host:port to listen on (<c>-dev-listen-address</c>).</param>
/// <param name="RootToken">The root token (<c>-dev-root-token-id</c>, else a random one).</param>
/// <param name="PluginDirectory">The plugin directory (<c>-dev-plugin-dir</c>), or null: no external plugins.</param>
internal sealed record DevServerSettings(string ListenAddress, string RootToken, string? PluginDirectory);
