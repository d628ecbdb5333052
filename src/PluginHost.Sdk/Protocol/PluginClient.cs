using System.Text.Json;
using PluginHost.Protocol;
using StreamJsonRpc;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// The host's end of a connection to one plugin: accepts the plugin's hello, serves its storage calls, and hands
/// out <see cref="IBackend"/> proxies, one per backend instance (mount), all multiplexed over the connection.
/// </summary>
/// <remarks>The process runtime of a host builds on it; <see cref="PluginHarness"/> uses it to test a plugin in memory.</remarks>
internal sealed class PluginClient : IAsyncDisposable
{
    private readonly JsonRpc _rpc;
    private readonly HostEndpoint _endpoint;
    private readonly SemaphoreSlim _requestSlots;
    private int _queued;

    private PluginClient(Stream duplex, string token, PluginClientOptions options)
    {
        _requestSlots = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
        _endpoint = new HostEndpoint(token, ProtocolChannel.SupportedVersions, options.HostName);
        var limits = new StorageCallLimits(options.MaxStorageCallsInFlight, options.MaxStorageCallsInFlightPerInstance, options.WriteStallTimeout);
        _rpc = ProtocolChannel.Create(duplex, _endpoint, options.MaxMessageBytes, limits);
        _rpc.Disconnected += (_, e) =>
        {
            // Only a broken rule is worth repeating; an ordinary end of stream says nothing the exit code does not.
            DisconnectReason ??= BrokenRule(e.Exception);
            _endpoint.Abandon(new PluginHostException(
                ErrorCode.Unavailable,
                DisconnectReason is { } broken
                    ? $"the plugin broke the protocol before its hello: {broken}"
                    : $"the plugin closed the connection before its hello: {e.Description}"));
        };
        _rpc.StartListening();
    }

    /// <summary>How many requests may be in flight to the plugin when no limit is given.</summary>
    public const int DefaultMaxConcurrentRequests = 64;

    /// <summary>Requests waiting in the host for a free slot (backpressure), at this moment.</summary>
    public int QueuedRequests => Volatile.Read(ref _queued);

    /// <summary>The largest message a plugin may send when no limit is given: 16 MiB.</summary>
    public const long DefaultMaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>How many of a plugin's storage calls the host holds at once when no limit is given.</summary>
    public const int DefaultMaxStorageCallsInFlight = 64;

    /// <summary>How many storage calls of one backend instance the host holds at once when no limit is given.</summary>
    public const int DefaultMaxStorageCallsInFlightPerInstance = 32;

    /// <summary>How long a message to a plugin may stay unwritten (it stopped reading) when no limit is given: 10 seconds.</summary>
    public static readonly TimeSpan DefaultWriteStallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Which protocol rule the plugin broke when the host dropped its connection (an over-size message, a bad header, a
    /// body that is not JSON-RPC, a connection it stopped reading), or <see langword="null"/>.
    /// </summary>
    public string? DisconnectReason { get; private set; }

    /// <summary>Completes with the plugin's hello once it is accepted; faults with the reason when it is refused or never comes.</summary>
    public Task<HelloParams> Hello => _endpoint.Hello;

    /// <summary>The protocol version negotiated in the hello.</summary>
    public int ProtocolVersion => _endpoint.ProtocolVersion;

    /// <summary>Completes when the connection closes, for whatever reason.</summary>
    public Task Completion => _rpc.Completion;

    /// <summary>Starts serving the host's end of the protocol over <paramref name="duplex"/>.</summary>
    /// <param name="duplex">A connected duplex stream (a socket, a pipe, or one end of an in-memory pair).</param>
    /// <param name="token">The one-time token the plugin must present.</param>
    /// <param name="hostName">How the host names itself in the hello answer.</param>
    /// <param name="maxMessageBytes">The largest message the plugin may send; a larger one drops the connection.</param>
    /// <param name="maxConcurrentRequests">How many requests may be in flight to the plugin; more callers wait in the host.</param>
    /// <returns>The client; await <see cref="Hello"/> before creating backends.</returns>
    public static PluginClient Start(
        Stream duplex,
        string token,
        string hostName = "PluginHost",
        long maxMessageBytes = DefaultMaxMessageBytes,
        int maxConcurrentRequests = DefaultMaxConcurrentRequests) =>
        Start(duplex, token, new PluginClientOptions { HostName = hostName, MaxMessageBytes = maxMessageBytes, MaxConcurrentRequests = maxConcurrentRequests });

    /// <summary>Starts serving the host's end of the protocol over <paramref name="duplex"/>, with the limits of <paramref name="options"/>.</summary>
    /// <param name="duplex">A connected duplex stream (a socket, a pipe, or one end of an in-memory pair).</param>
    /// <param name="token">The one-time token the plugin must present.</param>
    /// <param name="options">The connection's limits.</param>
    /// <returns>The client; await <see cref="Hello"/> before creating backends.</returns>
    public static PluginClient Start(Stream duplex, string token, PluginClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(duplex);
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxMessageBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentRequests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxStorageCallsInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxStorageCallsInFlightPerInstance, 1);
        if (options.WriteStallTimeout <= TimeSpan.Zero && options.WriteStallTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.WriteStallTimeout, "WriteStallTimeout must be positive or Timeout.InfiniteTimeSpan");
        }

        return new PluginClient(duplex, token, options);
    }

    /// <summary>Returns a proxy for a new backend instance; its <see cref="IBackend.SetupAsync"/> creates the instance in the plugin.</summary>
    /// <param name="instanceId">A connection-unique id, such as the mount's uuid.</param>
    /// <param name="expectedType">The mount's table; setup fails when the plugin's backend is of another type.</param>
    /// <param name="pluginName">The plugin's catalog name, for error messages.</param>
    /// <returns>The proxy.</returns>
    public IBackend CreateBackend(string instanceId, BackendType expectedType, string pluginName)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return new RemoteBackend(this, instanceId, expectedType, pluginName);
    }

    /// <summary>Returns a proxy for a new database instance (one connection); its <see cref="Database.IDatabase.InitializeAsync"/> creates the instance in the plugin.</summary>
    /// <param name="instanceId">A connection-unique id.</param>
    /// <param name="pluginName">The plugin's catalog name, for error messages.</param>
    /// <returns>The proxy.</returns>
    public Database.IDatabase CreateDatabase(string instanceId, string pluginName)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return new RemoteDatabase(this, instanceId, pluginName);
    }

    /// <summary>Asks the plugin to shut down (a notification: it does not wait for an answer).</summary>
    /// <returns>A task that completes when the notification is sent.</returns>
    public async Task ShutdownAsync()
    {
        try
        {
            await _rpc.NotifyAsync(ProtocolMethods.Shutdown).ConfigureAwait(false);
        }
        catch (Exception error) when (ProtocolChannel.IsTransportFailure(error, _rpc))
        {
            // Already gone (or going, a write failing with a broken pipe): nothing to shut down.
        }
    }

    /// <summary>Closes the connection.</summary>
    /// <returns>A task that completes when it is closed.</returns>
    public ValueTask DisposeAsync()
    {
        _rpc.Dispose();
        return ValueTask.CompletedTask;
    }

    internal JsonRpc Rpc => _rpc;

    private static string? BrokenRule(Exception? error) => error switch
    {
        ProtocolLimitException limit => limit.Message,

        // StreamJsonRpc fails its read loop with the JsonException of a body that is not JSON, or not a JSON-RPC message.
        JsonException json => $"the peer sent a message that is not valid JSON-RPC ({json.Message}); the connection is dropped",
        _ => null,
    };

    /// <summary>Waits for a request slot; dispose the result to give it back.</summary>
    internal async Task<IDisposable> AcquireRequestSlotAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queued);
        try
        {
            await _requestSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }

        return new RequestSlot(_requestSlots);
    }

    internal void AddView(string instanceId, IStorage view) => _endpoint.AddView(instanceId, view);

    internal void RemoveView(string instanceId) => _endpoint.RemoveView(instanceId);

    private sealed class RequestSlot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
