using PluginHost.Database;

namespace PluginHost.DatabaseEngine;

/// <summary>A connection the engine has initialized: the plugin's database instance and the configuration it was given.</summary>
internal sealed record OpenConnection(IDatabase Database, ConnectionConfig Config)
{
    /// <summary>Whether the plugin process behind it has stopped (the connection must be opened again).</summary>
    public bool IsDead => Database is Runtime.ProcessDatabase { HasStopped: true };
}
