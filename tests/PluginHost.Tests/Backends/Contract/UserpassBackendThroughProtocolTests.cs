namespace PluginHost.Tests.Backends.Contract;

/// <summary>UserpassBackend's contract run through the plugin protocol: the backend serves from a plugin server, the test talks to it as the host does.</summary>
[TestClass]
public sealed class UserpassBackendThroughProtocolTests : UserpassBackendContract, IAsyncDisposable
{
    private readonly HarnessMounts _mounts = new();

    private protected override Task<IBackend> MountAsync(IBackend backend, IStorage storage) => _mounts.MountAsync(backend, storage);

    /// <summary>Stops the plugin servers after each test.</summary>
    /// <returns>A task that completes when they have stopped.</returns>
    public ValueTask DisposeAsync() => _mounts.DisposeAsync();
}
