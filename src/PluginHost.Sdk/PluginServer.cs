using System.Net.Sockets;
using System.Reflection;
using PluginHost.Protocol;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk;

/// <summary>Runs a plugin: the whole of a plugin executable's <c>Main</c>.</summary>
/// <example>
/// <code>
/// return await PluginServer.RunAsync(() => new KvBackend());
/// </code>
/// </example>
public static class PluginServer
{
    private static readonly string SdkName =
        $"PluginHost.Sdk/{typeof(PluginServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0"}";

    /// <summary>
    /// Serves backends created by <paramref name="factory"/> to the host that started this process: checks the
    /// magic cookie, connects to the host's socket, says hello with the one-time token, then serves until the host
    /// shuts the plugin down or its connection goes away.
    /// </summary>
    /// <param name="factory">Creates one backend per mount (instance).</param>
    /// <param name="cancellationToken">Stops serving.</param>
    /// <returns>The process exit code: 0 after a normal end, 1 when not started by a host or the host refused the plugin.</returns>
    public static Task<int> RunAsync(Func<IBackend> factory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return RunOnHostSocketAsync((stream, token) => ServeAsync(stream, factory, token, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Serves database instances created by <paramref name="factory"/> to the host that started this process: the
    /// whole of a database plugin's <c>Main</c> (a plugin registered with type <c>database</c>). Same start-up as
    /// <see cref="RunAsync"/>.
    /// </summary>
    /// <param name="factory">Creates one database instance per connection the host configures.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    /// <returns>The process exit code: 0 after a normal end, 1 when not started by a host or the host refused the plugin.</returns>
    /// <example>
    /// <code>
    /// return await PluginServer.RunDatabaseAsync(() => new PostgresDatabase());
    /// </code>
    /// </example>
    public static Task<int> RunDatabaseAsync(Func<Database.IDatabase> factory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return RunOnHostSocketAsync((stream, token) => ServeDatabaseAsync(stream, factory, token, cancellationToken), cancellationToken);
    }

    private static async Task<int> RunOnHostSocketAsync(Func<Stream, string, Task> serve, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(PluginEnvironment.MagicCookieKey) != PluginEnvironment.MagicCookieValue)
        {
            await Console.Error.WriteLineAsync(PluginEnvironment.NotMeantToBeRunMessage).ConfigureAwait(false);
            return 1;
        }

        var socketPath = Environment.GetEnvironmentVariable(PluginEnvironment.Socket);
        var token = Environment.GetEnvironmentVariable(PluginEnvironment.Token);
        if (string.IsNullOrEmpty(socketPath) || string.IsNullOrEmpty(token))
        {
            await Console.Error.WriteLineAsync($"{PluginEnvironment.Socket} and {PluginEnvironment.Token} must be set by the host").ConfigureAwait(false);
            return 1;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            await serve(stream, token).ConfigureAwait(false);
            return 0;
        }
        catch (PluginHostException refused)
        {
            await Console.Error.WriteLineAsync($"the host refused this plugin: {refused.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>
    /// Serves the plugin's end of the protocol over an already connected duplex stream; <see cref="RunAsync"/> calls it
    /// with the host's socket, <see cref="PluginHarness"/> with one end of an in-memory pair.
    /// </summary>
    /// <param name="duplex">The connection to the host.</param>
    /// <param name="factory">Creates one backend per instance.</param>
    /// <param name="token">The one-time token to present in the hello.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    /// <returns>A task that completes when the host shut the plugin down or the connection closed.</returns>
    /// <exception cref="PluginHostException">The host refused the hello (wrong token, no common protocol version).</exception>
    public static async Task ServeAsync(Stream duplex, Func<IBackend> factory, string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(duplex);
        ArgumentNullException.ThrowIfNull(factory);
        var endpoint = new PluginEndpoint(factory);
        using var rpc = ProtocolChannel.Create(duplex, endpoint);
        endpoint.Attach(rpc);
        await ServeConnectionAsync(rpc, endpoint.ShutdownRequested, token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Serves a database plugin's end of the protocol over an already connected duplex stream; <see cref="RunDatabaseAsync"/>
    /// calls it with the host's socket, <see cref="PluginHarness.StartDatabaseAsync"/> with one end of an in-memory pair.
    /// </summary>
    /// <param name="duplex">The connection to the host.</param>
    /// <param name="factory">Creates one database instance per connection the host configures.</param>
    /// <param name="token">The one-time token to present in the hello.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    /// <returns>A task that completes when the host shut the plugin down or the connection closed; every open instance is closed by then.</returns>
    /// <exception cref="PluginHostException">The host refused the hello (wrong token, no common protocol version).</exception>
    public static async Task ServeDatabaseAsync(Stream duplex, Func<Database.IDatabase> factory, string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(duplex);
        ArgumentNullException.ThrowIfNull(factory);
        var endpoint = new DatabaseEndpoint(factory);
        using var rpc = ProtocolChannel.Create(duplex, endpoint);
        try
        {
            await ServeConnectionAsync(rpc, endpoint.ShutdownRequested, token, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Database connections (pools, sockets to the server) must not outlive the host's.
            await endpoint.CloseAllAsync().ConfigureAwait(false);
        }
    }

    private static async Task ServeConnectionAsync(StreamJsonRpc.JsonRpc rpc, Task shutdownRequested, string token, CancellationToken cancellationToken)
    {
        rpc.Disconnected += (_, e) =>
        {
            // The host's log shows the plugin's stderr: say why the connection (and so the plugin) ends.
            if (e.Exception is ProtocolLimitException broken)
            {
                Console.Error.WriteLine($"the connection to the host broke the protocol: {broken.Message}");
            }
        };
        rpc.StartListening();
        try
        {
            await ProtocolChannel.InvokeWithParametersAsync<HelloResult>(
                rpc,
                ProtocolMethods.Hello,
                new HelloParams
                {
                    Token = token,
                    ProtocolVersions = ProtocolChannel.SupportedVersions,
                    PluginName = Environment.GetEnvironmentVariable(PluginEnvironment.PluginName),
                    PluginVersion = Assembly.GetEntryAssembly()?.GetName().Version?.ToString(),
                    Sdk = SdkName,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (StreamJsonRpc.RemoteInvocationException refused)
        {
            throw ProtocolChannel.FromRpcError(refused, "host");
        }

        // The plugin lives as long as its host connection: when the host goes away (even killed), so does the plugin.
        await Task.WhenAny(rpc.Completion, shutdownRequested, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
    }
}
