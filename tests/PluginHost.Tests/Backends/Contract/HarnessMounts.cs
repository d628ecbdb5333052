using PluginHost.Sdk;

namespace PluginHost.Tests.Backends.Contract;

/// <summary>Mounts backends through the plugin protocol, one <see cref="PluginHarness"/> each, and stops them all.</summary>
internal sealed class HarnessMounts : IAsyncDisposable
{
    private readonly List<PluginHarness> _harnesses = [];

    public async Task<IBackend> MountAsync(IBackend backend, IStorage storage)
    {
        var harness = await PluginHarness.StartAsync(() => backend);
        _harnesses.Add(harness);
        return await harness.MountAsync(storage, backend.Type);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var harness in _harnesses)
        {
            await harness.DisposeAsync();
        }

        _harnesses.Clear();
    }
}
