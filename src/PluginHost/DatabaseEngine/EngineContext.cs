using Microsoft.Extensions.Logging;
using PluginHost.Database;

namespace PluginHost.DatabaseEngine;

/// <summary>What every part of one <c>database</c> mount shares: its storage, its open connections, its host, its clock.</summary>
internal sealed class EngineContext(DatabaseStore store, ConnectionRegistry connections, IDatabaseEngineHost host, TimeProvider clock, Func<string> mountPoint, ILogger logger)
{
    public DatabaseStore Store => store;

    public ConnectionRegistry Connections => connections;

    public IDatabaseEngineHost Host => host;

    public TimeProvider Clock => clock;

    public ILogger Logger => logger;

    /// <summary>The mount's path with its trailing <c>/</c>, as given at setup.</summary>
    public string MountPoint => mountPoint();

    /// <summary>The configuration <paramref name="name"/>, or a 400 that says how to make it.</summary>
    public async ValueTask<ConnectionConfig> ConfigOrFailAsync(string name, CancellationToken cancellationToken) =>
        await store.GetConfigAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new PluginHostException(ErrorCode.BadRequest, $"no database connection named '{name}': write config/{name} first");

    /// <summary>Vault's check that a connection lets a role use it.</summary>
    public static void EnsureAllowed(ConnectionConfig config, string dbName, string role)
    {
        if (!config.Allows(role))
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"\"{role}\" is not an allowed role; add it to allowed_roles of config/{dbName}");
        }
    }

    /// <summary>The statements as the protocol carries them.</summary>
    public static DatabaseStatements Statements(IReadOnlyList<string> commands) =>
        commands.Count == 0 ? DatabaseStatements.None : new DatabaseStatements { Commands = commands };
}
