using Nerdbank.Streams;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk;

/// <summary>
/// Runs a backend through the real plugin protocol in memory, without a process: a plugin server and a host client
/// joined by an in-memory duplex stream. For plugin authors' unit tests.
/// </summary>
/// <example>
/// <code>
/// await using var harness = await PluginHarness.StartAsync(() => new MyBackend());
/// var backend = await harness.MountAsync(new InMemoryStorage());
/// var answer = await backend.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "x" }, ct);
/// </code>
/// </example>
public sealed class PluginHarness : IAsyncDisposable
{
    private readonly PluginClient _client;
    private readonly Task _server;
    private readonly CancellationTokenSource _stop;
    private int _instances;

    private PluginHarness(PluginClient client, Task server, CancellationTokenSource stop)
    {
        _client = client;
        _server = server;
        _stop = stop;
    }

    /// <summary>The host end of the connection, for tests that need it directly.</summary>
    internal PluginClient Client => _client;

    /// <summary>Starts a plugin server for <paramref name="factory"/> and completes once it has said hello.</summary>
    /// <param name="factory">Creates one backend per mount.</param>
    /// <param name="maxConcurrentRequests">The host end's concurrency limit for this plugin.</param>
    /// <param name="cancellationToken">Cancels waiting for the hello.</param>
    /// <returns>The running harness.</returns>
    public static Task<PluginHarness> StartAsync(
        Func<IBackend> factory,
        int maxConcurrentRequests = PluginClient.DefaultMaxConcurrentRequests,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return StartServerAsync((pluginEnd, token, stop) => PluginServer.ServeAsync(pluginEnd, factory, token, stop), maxConcurrentRequests, cancellationToken);
    }

    /// <summary>Starts a database plugin server for <paramref name="factory"/> and completes once it has said hello; open connections with <see cref="OpenDatabase"/>.</summary>
    /// <param name="factory">Creates one database instance per connection.</param>
    /// <param name="maxConcurrentRequests">The host end's concurrency limit for this plugin.</param>
    /// <param name="cancellationToken">Cancels waiting for the hello.</param>
    /// <returns>The running harness.</returns>
    public static Task<PluginHarness> StartDatabaseAsync(
        Func<Database.IDatabase> factory,
        int maxConcurrentRequests = PluginClient.DefaultMaxConcurrentRequests,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return StartServerAsync((pluginEnd, token, stop) => PluginServer.ServeDatabaseAsync(pluginEnd, factory, token, stop), maxConcurrentRequests, cancellationToken);
    }

    private static async Task<PluginHarness> StartServerAsync(
        Func<Stream, string, CancellationToken, Task> serve, int maxConcurrentRequests, CancellationToken cancellationToken)
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var client = PluginClient.Start(hostEnd, token, "PluginHarness", maxConcurrentRequests: maxConcurrentRequests);
        var stop = new CancellationTokenSource();
        var server = Task.Run(() => serve(pluginEnd, token, stop.Token), CancellationToken.None);
        var harness = new PluginHarness(client, server, stop);
        try
        {
            await client.Hello.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await harness.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return harness;
    }

    /// <summary>
    /// Returns the host-side proxy of a new database instance in the plugin, as the <c>database</c> engine opens one per
    /// configured connection: call <see cref="Database.IDatabase.InitializeAsync"/> on it first.
    /// </summary>
    /// <returns>The proxy; every call goes through the protocol.</returns>
    public Database.IDatabase OpenDatabase() =>
        _client.CreateDatabase(Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), "harness");

    /// <summary>
    /// A backend served by the harness's plugin, not set up yet: give it to a host (a builtin plugin's factory) and the
    /// host sets it up on its mount and serves it over the plugin protocol, as it would an external plugin's.
    /// </summary>
    /// <param name="type">Whether the host mounts it as a secrets engine or an auth method.</param>
    /// <returns>The host's end of a new backend instance in the plugin.</returns>
    public IBackend CreateBackend(BackendType type = BackendType.Secret) =>
        _client.CreateBackend($"instance-{Interlocked.Increment(ref _instances)}", type, "harness");

    /// <summary>Creates and sets up a backend instance in the plugin, as mounting does.</summary>
    /// <param name="storage">The instance's storage view; the plugin's storage calls reach it through the protocol.</param>
    /// <param name="type">The mount's table.</param>
    /// <param name="options">The mount's options.</param>
    /// <param name="cancellationToken">Cancels the setup.</param>
    /// <returns>The host-side proxy of the instance.</returns>
    public async Task<IBackend> MountAsync(
        IStorage storage,
        BackendType type = BackendType.Secret,
        IReadOnlyDictionary<string, string>? options = null,
        CancellationToken cancellationToken = default)
    {
        var id = $"instance-{Interlocked.Increment(ref _instances)}";
        var backend = _client.CreateBackend(id, type, "harness");
        await backend.SetupAsync(
            new BackendConfig
            {
                Storage = storage,
                MountPath = $"{id}/",

                // Not the instance id: a plugin that keys data on the instance instead of the mount fails its tests.
                BackendUuid = Guid.NewGuid().ToString(),
                Type = type,
                Options = options ?? new Dictionary<string, string>(),
            },
            cancellationToken).ConfigureAwait(false);
        return backend;
    }

    /// <summary>Shuts the plugin server down and closes the connection.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _client.ShutdownAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _server.ConfigureAwait(false);
        }
        catch (Exception error) when (error is OperationCanceledException or PluginHostException)
        {
            // Stopping is what we asked for.
        }

        _stop.Dispose();
    }
}
