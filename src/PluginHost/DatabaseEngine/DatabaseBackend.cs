using Microsoft.Extensions.Logging;
using PluginHost.Sdk;

namespace PluginHost.DatabaseEngine;

/// <summary>
/// Vault's <c>database</c> secrets engine: connections (<c>config/</c>) each served by a database plugin from the
/// catalog, dynamic roles whose <c>creds/</c> are new database users with a lease, and static roles whose existing
/// users' passwords it rotates. One mount serves many connections; one plugin process serves every connection that
/// names it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The host's mount calls CleanupAsync, which disposes them: a backend's life ends there, not in Dispose.")]
internal sealed class DatabaseBackend : PathBackend
{
    private const string BackendHelp =
        "The database secrets engine generates database credentials dynamically based on configured roles. "
        + "Configure a connection at 'config/<name>' with a database plugin from the catalog, a role at 'roles/<name>', "
        + "then read 'creds/<role>' for a username and password that are dropped when their lease ends.";

    private readonly ConnectionRegistry _connections;
    private readonly StaticRotation _rotation;
    private string _mountPoint = "";

    public DatabaseBackend(IDatabaseEngineHost host, TimeProvider clock, ILogger logger)
    {
        var store = new DatabaseStore(() => Storage);
        _connections = new ConnectionRegistry(store, host, logger);
        var engine = new EngineContext(store, _connections, host, clock, () => _mountPoint, logger);
        _rotation = new StaticRotation(engine);
        Paths = new PathTable(
            BackendHelp,
            [
                .. new ConnectionPaths(engine).Routes,
                .. new RolePaths(engine).Routes,
                .. new StaticRolePaths(engine, _rotation).Routes,
            ]);
    }

    /// <inheritdoc/>
    public override BackendType Type => BackendType.Secret;

    /// <inheritdoc/>
    protected override PathTable Paths { get; }

    /// <inheritdoc/>
    public override async ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken)
    {
        await base.SetupAsync(config, cancellationToken).ConfigureAwait(false);
        _mountPoint = config.MountPath;
        _rotation.Start();
    }

    /// <inheritdoc/>
    /// <remarks>Stops the rotations, then closes every connection (the plugin processes stop with their last one).</remarks>
    public override async ValueTask CleanupAsync(CancellationToken cancellationToken)
    {
        await _rotation.DisposeAsync().ConfigureAwait(false);
        await _connections.DisposeAsync().ConfigureAwait(false);
    }
}
