using Microsoft.Extensions.DependencyInjection;
using PluginHost.Catalog;
using PluginHost.Hosting;
using PluginHost.Mounts;

namespace PluginHost.Benchmarks.E2e.Plugins;

/// <summary>
/// A plugin host as an application builds one (<c>AddPluginHost</c>, in-memory storage, no logging), over the
/// workspace's plugin directory and binary cache. Disposing it stops its plugin processes.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private BenchHost(Workspace workspace, bool limitsOn, Action<IPluginHostBuilder>? build)
    {
        var services = new ServiceCollection();
        var builder = services.AddPluginHost(o =>
        {
            o.PluginDirectory = workspace.PluginDirectory;
            o.PluginCacheDirectory = workspace.CacheDirectory;
            if (limitsOn)
            {
                BenchLimits.Apply(o);
            }
        });
        build?.Invoke(builder);
        _provider = services.BuildServiceProvider();
        Host = _provider.GetRequiredService<IPluginHost>();
    }

    public IPluginHost Host { get; }

    /// <summary>
    /// A host on the workspace's directories; its plugins run under <see cref="BenchLimits"/> when <paramref name="limitsOn"/>
    /// (default: the run's choice); <paramref name="build"/> adds to it (a seal).
    /// </summary>
    public static BenchHost Create(Workspace workspace, bool? limitsOn = null, Action<IPluginHostBuilder>? build = null) =>
        new(workspace, limitsOn ?? workspace.LimitsOn, build);

    public static MountRequest MockAt(MockPluginBinary plugin, string path) => new() { Type = BackendType.Secret, Plugin = plugin.Name, Path = path };

    /// <summary>Registers the mock plugin in the catalog, pinned by its SHA-256 (with its experiment env, if any), as a user would.</summary>
    public Task<CatalogEntry> RegisterMockAsync(MockPluginBinary plugin, CancellationToken cancellationToken) =>
        Host.Catalog.RegisterAsync(
            new PluginRegistration
            {
                Type = BackendType.Secret,
                Name = plugin.Name,
                Command = plugin.Name,
                Sha256 = plugin.Sha256,
                Env = plugin.Env,
            },
            cancellationToken);

    /// <summary>Writes <c>{"value":"bar"}</c> at <paramref name="path"/> and checks a read answers it.</summary>
    public async Task SeedAsync(string path, CancellationToken cancellationToken)
    {
        await Host.WriteAsync(path, new { value = "bar" }, cancellationToken);
        await ExpectBarAsync(path, cancellationToken);
    }

    public async Task ExpectBarAsync(string path, CancellationToken cancellationToken)
    {
        var answer = await Host.ReadAsync(path, cancellationToken);
        if (answer?.Data is not { } data || !data.TryGetValue("value", out var value) || value.GetString() != "bar")
        {
            throw new InvalidOperationException($"reading {path} did not answer value=bar");
        }
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
