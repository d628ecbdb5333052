using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PluginHost.Storage;

/// <summary>
/// The host's own storage, held apart from any <see cref="IStorage"/> the application registers, and disposed
/// (releasing a data directory's lock) with the service provider.
/// </summary>
internal sealed class HostStorage : IDisposable, IAsyncDisposable
{
    public HostStorage(IServiceProvider services, IOptions<PluginHostOptions> options)
    {
        var settings = options.Value;
        var loggerFactory = (ILoggerFactory?)services.GetService(typeof(ILoggerFactory)) ?? NullLoggerFactory.Instance;
        Storage = settings switch
        {
            { StorageFactory: { } factory } => factory(services),
            { DataDirectory: { Length: > 0 } directory } =>
                new FileStorage(directory, settings.StorageLockTimeout, loggerFactory.CreateLogger<FileStorage>()),
            _ => new InMemoryStorage(),
        };
    }

    public IStorage Storage { get; }

    public void Dispose() => (Storage as IDisposable)?.Dispose();

    public ValueTask DisposeAsync()
    {
        if (Storage is IAsyncDisposable asyncDisposable)
        {
            return asyncDisposable.DisposeAsync();
        }

        Dispose();
        return ValueTask.CompletedTask;
    }
}
