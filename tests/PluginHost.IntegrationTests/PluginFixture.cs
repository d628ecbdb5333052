using Microsoft.Extensions.Logging;
using PluginHost.Catalog;
using PluginHost.Hosting;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests;

/// <summary>A host with its own plugin directory (holding copies of the published samples) and its own binary cache.</summary>
internal sealed class PluginFixture : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    /// <param name="configure">Changes the host's options.</param>
    /// <param name="build">Adds to the host's builder.</param>
    /// <param name="plugins">Published plugins to copy into the plugin directory besides <see cref="PublishedPlugins.All"/>.</param>
    public PluginFixture(Action<PluginHostOptions>? configure = null, Action<IPluginHostBuilder>? build = null, IReadOnlyList<string>? plugins = null)
    {
        Root = Directory.CreateTempSubdirectory("pluginhost-it-").FullName;
        PluginDirectory = Directory.CreateDirectory(Path.Combine(Root, "plugins")).FullName;
        CacheDirectory = Path.Combine(Root, "cache");
        foreach (var plugin in PublishedPlugins.All.Concat(plugins ?? []))
        {
            File.Copy(plugin, Path.Combine(PluginDirectory, Path.GetFileName(plugin)));
        }

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace));
        var builder = services.AddPluginHost(o =>
        {
            o.PluginDirectory = PluginDirectory;
            o.PluginCacheDirectory = CacheDirectory;

            configure?.Invoke(o);

            // Without a data directory: in-memory storage, held here so tests can inspect every key the host stored.
            if (o.DataDirectory is null)
            {
                o.StorageFactory ??= _ => Storage;
            }
        });
        build?.Invoke(builder);
        _provider = services.BuildServiceProvider();
        Host = _provider.GetRequiredService<IPluginHost>();
    }

    public CapturedLogs Logs { get; } = new();

    public string Root { get; }

    public string PluginDirectory { get; }

    public string CacheDirectory { get; }

    public IPluginHost Host { get; }

    /// <summary>The host's storage (catalog, mount tables, every mount's data), unless a test configured a data directory or its own storage.</summary>
    public InMemoryStorage Storage { get; } = new();

    public PluginRegistration Registration(string name, BackendType type) => new()
    {
        Type = type,
        Name = name,
        Command = name,
        Sha256 = PublishedPlugins.Sha256Of(Path.Combine(PluginDirectory, name)),
    };

    /// <summary>The plugin processes of this host: those running a binary from its cache.</summary>
    public IReadOnlyList<int> PluginProcesses() => ProcessesRunningFrom(CacheDirectory);

    /// <summary>The processes running a binary under <paramref name="cacheDirectory"/>: the plugins of the host that owns it.</summary>
    public static IReadOnlyList<int> ProcessesRunningFrom(string cacheDirectory) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ExecutableOf(pid)?.StartsWith(cacheDirectory + "/", StringComparison.Ordinal) == true)
            .ToArray();

    /// <summary>The processes of plugin <paramref name="name"/> (as copied into the plugin directory): those running its cached copy.</summary>
    public IReadOnlyList<int> PluginProcesses(string name)
    {
        var binary = Path.Combine(CacheDirectory, PublishedPlugins.Sha256Of(Path.Combine(PluginDirectory, name)));
        return PluginProcesses().Where(pid => ExecutableOf(pid) == binary).ToArray();
    }

    /// <summary>Disposes the host and returns the plugin processes that outlived it (there should be none).</summary>
    public async Task<IReadOnlyList<int>> DisposeAndFindSurvivorsAsync()
    {
        var pids = PluginProcesses();
        await DisposeAsync();
        return pids.Where(pid => Directory.Exists($"/proc/{pid}")).ToArray();
    }

    /// <summary>Stops the host (and its plugins) and deletes the directories; safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private static string? ExecutableOf(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
