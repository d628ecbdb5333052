using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PluginHost.Database;

namespace PluginHost.DatabaseEngine;

/// <summary>
/// The engine's open connections, one database instance per <c>config/&lt;name&gt;</c> (Vault's connection map): opened
/// from the stored configuration on first use, opened again after the plugin process died, replaced when the
/// configuration changes (the old one closed), closed when it is deleted or the mount goes away.
/// </summary>
internal sealed partial class ConnectionRegistry(DatabaseStore store, IDatabaseEngineHost host, ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, OpenConnection> _open = new(StringComparer.Ordinal);

    // Opening starts a process and initializes a connection: rare and slow, so one lock is simpler than one per name.
    private readonly SemaphoreSlim _opening = new(1, 1);
    private bool _disposed;

    /// <summary>The open connection <paramref name="name"/>, opened from storage when there is none (or its plugin died).</summary>
    /// <exception cref="PluginHostException">No such configuration (400), or the plugin could not be started or initialized.</exception>
    public async ValueTask<OpenConnection> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (_open.TryGetValue(name, out var open) && !open.IsDead)
        {
            return open;
        }

        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_open.TryGetValue(name, out open))
            {
                if (!open.IsDead)
                {
                    return open;
                }

                _open.TryRemove(name, out _);
                await CloseQuietlyAsync(name, open).ConfigureAwait(false);
            }

            var config = await store.GetConfigAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new PluginHostException(ErrorCode.BadRequest, $"no database connection named '{name}': write config/{name} first");
            open = await OpenStoredAsync(name, config, cancellationToken).ConfigureAwait(false);
            _open[name] = open;
            return open;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>Starts the plugin of <paramref name="config"/> and initializes a new instance with it; the caller owns the result until it is put in place.</summary>
    public async ValueTask<(OpenConnection Connection, ConnectionConfig Saved)> OpenNewAsync(string name, ConnectionConfig config, CancellationToken cancellationToken)
    {
        var database = await host.OpenAsync(config.PluginName, config.PluginVersion, name, cancellationToken).ConfigureAwait(false);
        try
        {
            var answer = await database.InitializeAsync(
                new InitializeRequest { Config = config.ConnectionDetails, VerifyConnection = config.VerifyConnection },
                cancellationToken).ConfigureAwait(false);
            var saved = config with { ConnectionDetails = answer.Config.Count > 0 ? Clone(answer.Config) : config.ConnectionDetails };
            return (new OpenConnection(database, saved), saved);
        }
        catch
        {
            await CloseQuietlyAsync(name, new OpenConnection(database, config)).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Puts <paramref name="connection"/> in place of <paramref name="name"/>'s, closing the one it replaces.</summary>
    public async ValueTask ReplaceAsync(string name, OpenConnection connection, CancellationToken cancellationToken)
    {
        OpenConnection? old;
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                await CloseQuietlyAsync(name, connection).ConfigureAwait(false);
                throw new ObjectDisposedException(nameof(ConnectionRegistry));
            }

            _open.TryGetValue(name, out old);
            _open[name] = connection;
        }
        finally
        {
            _opening.Release();
        }

        if (old is not null)
        {
            await CloseQuietlyAsync(name, old).ConfigureAwait(false);
        }
    }

    /// <summary>Closes <paramref name="name"/>'s connection, if open; the next use opens it again from storage.</summary>
    public async ValueTask CloseAsync(string name, CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_open.TryRemove(name, out var open))
            {
                await CloseQuietlyAsync(name, open).ConfigureAwait(false);
            }
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>Closes every connection; the mount is going away.</summary>
    public async ValueTask DisposeAsync()
    {
        await _opening.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            foreach (var (name, open) in _open)
            {
                await CloseQuietlyAsync(name, open).ConfigureAwait(false);
            }

            _open.Clear();
        }
        finally
        {
            _opening.Release();
        }
    }

    // A stored connection whose root rotation was cut short holds the new password apart: the database has one of the two.
    private async ValueTask<OpenConnection> OpenStoredAsync(string name, ConnectionConfig config, CancellationToken cancellationToken)
    {
        if (config.PendingRootPassword is not { } pending)
        {
            return (await OpenNewAsync(name, config with { VerifyConnection = true }, cancellationToken).ConfigureAwait(false)).Connection;
        }

        ConnectionConfig settled;
        OpenConnection open;
        try
        {
            (open, _) = await OpenNewAsync(name, config with { VerifyConnection = true, PendingRootPassword = null }, cancellationToken).ConfigureAwait(false);
            settled = config with { PendingRootPassword = null };
        }
        catch (PluginHostException) when (!cancellationToken.IsCancellationRequested)
        {
            settled = config.WithDetail("password", pending) with { PendingRootPassword = null };
            (open, _) = await OpenNewAsync(name, settled with { VerifyConnection = true }, cancellationToken).ConfigureAwait(false);
            LogPendingRootPasswordAdopted(name);
        }

        await store.PutConfigAsync(name, settled, cancellationToken).ConfigureAwait(false);
        return open with { Config = settled };
    }

    private async ValueTask CloseQuietlyAsync(string name, OpenConnection open)
    {
        try
        {
            await open.Database.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            LogCloseFailed(error, name);
        }
    }

    private static Dictionary<string, JsonElement> Clone(IReadOnlyDictionary<string, JsonElement> config) =>
        config.ToDictionary(entry => entry.Key, entry => entry.Value.Clone(), StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing database connection {Connection} failed")]
    private partial void LogCloseFailed(Exception exception, string connection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database connection {Connection}: a root rotation had been cut short after the database took the new password; the new password is kept")]
    private partial void LogPendingRootPasswordAdopted(string connection);
}
