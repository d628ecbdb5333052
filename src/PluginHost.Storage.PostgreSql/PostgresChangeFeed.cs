using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PluginHost.Storage.PostgreSql;

/// <summary>
/// The other nodes' writes, from PostgreSQL's <c>LISTEN/NOTIFY</c>: every fenced write and delete notifies
/// <see cref="Channel"/> with the writer's identity and the key, delivered when (and only if) it commits. One
/// connection of its own listens; when it is lost, or the queue overflows, or every <see cref="FullCheckInterval"/>,
/// the watchers are told to read everything again (a <see langword="null"/> key), since notifications may be missed.
/// </summary>
internal sealed partial class PostgresChangeFeed : IStorageChangeFeed, IAsyncDisposable
{
    /// <summary>How many notifications wait for the watchers before the feed falls back to a full check.</summary>
    public const int QueueCapacity = 1024;

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly string _identity;
    private readonly ILogger _logger;
    private readonly Channel<string?> _queue = System.Threading.Channels.Channel.CreateBounded<string?>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private ImmutableArray<Func<string?, CancellationToken, ValueTask>> _watchers = [];
    private Task? _loops;
    private int _missed;

    /// <param name="settings">The storage's connection settings; the listening connection is built from a copy.</param>
    /// <param name="quotedTable">The entries' table, quoted: the channel is named after it, so stores do not mix.</param>
    /// <param name="identity">This node's identity: its own writes are not reported back to it.</param>
    /// <param name="fullCheckInterval">How often the watchers are told to read everything again anyway.</param>
    /// <param name="logger">Receives lost connections and failing watchers.</param>
    public PostgresChangeFeed(NpgsqlConnectionStringBuilder settings, string quotedTable, string identity, TimeSpan fullCheckInterval, ILogger logger)
    {
        // Out of the pool: LISTEN belongs to one session, which must not be handed to another caller.
        _connectionString = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Pooling = false }.ConnectionString;
        Channel = ChannelFor(quotedTable);
        _identity = identity;
        FullCheckInterval = fullCheckInterval;
        _logger = logger;
    }

    /// <summary>The notification channel of the store: named after its table, and short enough for an identifier.</summary>
    public string Channel { get; }

    /// <summary>How often the watchers are told to read everything again even when no notification was lost.</summary>
    public TimeSpan FullCheckInterval { get; }

    /// <summary>The channel for the store kept in <paramref name="quotedTable"/>.</summary>
    public static string ChannelFor(string quotedTable) =>
        "pluginhost_changes_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(quotedTable)))[..16];

    /// <inheritdoc/>
    public IDisposable Watch(Func<string?, CancellationToken, ValueTask> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            _watchers = _watchers.Add(onChange);
            _loops ??= Task.WhenAll(Task.Run(() => ListenAsync(_stopping.Token)), Task.Run(() => DispatchAsync(_stopping.Token)));
        }

        return new Subscription(this, onChange);
    }

    /// <summary>Stops listening and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loops;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
            loops = _loops;
        }

        if (loops is not null)
        {
            await loops.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                connection.Notification += (_, e) => Enqueue(e.Payload);
                await connection.OpenAsync(stopping).ConfigureAwait(false);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                }

                // Whatever changed before LISTEN (or while the last connection was down) was not heard.
                LogListening(_logger, Channel);
                EnqueueFullCheck();
                while (true)
                {
                    if (!await connection.WaitAsync(FullCheckInterval, stopping).ConfigureAwait(false))
                    {
                        // Quiet for a while: prove the connection is alive, and let the watchers check everything.
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stopping).ConfigureAwait(false);
                        EnqueueFullCheck();
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (!stopping.IsCancellationRequested)
            {
                // Whatever broke the session (the server, the network, a protocol error), the feed must go on.
                LogConnectionLost(_logger, error.Message);
            }

            try
            {
                await Task.Delay(ReconnectDelay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Enqueue(string payload)
    {
        // "<identity> <key>": the key itself may hold spaces, the identity (a GUID) does not.
        var space = payload.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || payload.AsSpan(0, space).SequenceEqual(_identity))
        {
            return;
        }

        if (!_queue.Writer.TryWrite(payload[(space + 1)..]))
        {
            EnqueueFullCheck();
        }
    }

    private void EnqueueFullCheck()
    {
        // When the queue is full, the dispatcher sees the flag after its next item.
        Interlocked.Exchange(ref _missed, 1);
        _queue.Writer.TryWrite(null);
    }

    private async Task DispatchAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var key in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                if (Interlocked.Exchange(ref _missed, 0) == 1)
                {
                    await DeliverAsync(null, stopping).ConfigureAwait(false);
                }

                if (key is not null)
                {
                    await DeliverAsync(key, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Disposed, perhaps while a watcher was failing.
        }
    }

    private async ValueTask DeliverAsync(string? key, CancellationToken stopping)
    {
        foreach (var watcher in _watchers)
        {
            try
            {
                await watcher(key, stopping).ConfigureAwait(false);
            }
            catch (Exception error) when (!stopping.IsCancellationRequested)
            {
                LogWatcherFailed(_logger, key ?? "(full check)", error.Message);
            }
        }
    }

    private void Remove(Func<string?, CancellationToken, ValueTask> onChange)
    {
        lock (_gate)
        {
            _watchers = _watchers.Remove(onChange);
        }
    }

    private sealed class Subscription(PostgresChangeFeed feed, Func<string?, CancellationToken, ValueTask> onChange) : IDisposable
    {
        public void Dispose() => feed.Remove(onChange);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "listening for other nodes' writes on {Channel}")]
    private static partial void LogListening(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the change feed lost its connection: {Reason}; reconnecting, then everything is read again")]
    private static partial void LogConnectionLost(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "a change-feed watcher failed on '{Key}': {Reason}")]
    private static partial void LogWatcherFailed(ILogger logger, string key, string reason);
}
