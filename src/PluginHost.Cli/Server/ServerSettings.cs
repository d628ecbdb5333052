using PluginHost.Cli.Configuration;

namespace PluginHost.Cli.Server;

/// <summary>What <c>plugin-host server</c> runs with.</summary>
/// <param name="ListenAddress">host:port to listen on.</param>
/// <param name="DevRootToken">Dev mode's root token; null for a config-file server, whose root token is made at initialization.</param>
/// <param name="Config">The directories and log level: from the config file, or dev mode's (no data directory: in memory).</param>
internal sealed record ServerSettings(string ListenAddress, string? DevRootToken, HostConfig Config)
{
    public bool IsDev => DevRootToken is not null;
}
