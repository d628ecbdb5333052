using PluginHost.Hosting;

namespace PluginHost.Tests.TestDoubles;

/// <summary>A real host built through dependency injection, the way applications build one.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private TestHost(ServiceProvider provider)
    {
        _provider = provider;
        Host = provider.GetRequiredService<IPluginHost>();
    }

    public IPluginHost Host { get; }

    public IServiceProvider Services => _provider;

    public static TestHost Create(Action<PluginHostOptions>? configure = null, Action<IPluginHostBuilder>? build = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        var builder = collection.AddPluginHost(configure);
        build?.Invoke(builder);
        return new TestHost(collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
