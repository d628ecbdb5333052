using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Seal;

namespace PluginHost.Storage;

/// <summary>
/// The host's own storage, held apart from any <see cref="IStorage"/> the application registers, and disposed
/// (releasing a data directory's lock) with the service provider.
/// </summary>
internal sealed class HostStorage : IDisposable, IAsyncDisposable
{
    private readonly IStorage _raw;

    public HostStorage(IServiceProvider services, IOptions<PluginHostOptions> options)
    {
        var settings = options.Value;
        var loggerFactory = (ILoggerFactory?)services.GetService(typeof(ILoggerFactory)) ?? NullLoggerFactory.Instance;
        _raw = settings switch
        {
            { StorageFactory: { } factory } => factory(services),
            { DataDirectory: { Length: > 0 } directory } =>
                new FileStorage(directory, settings.StorageLockTimeout, loggerFactory.CreateLogger<FileStorage>()),
            _ => new InMemoryStorage(),
        };

        // With an unseal key provider, everything the host keeps goes through the encrypting barrier.
        Storage = services.GetService(typeof(IUnsealKeyProvider)) is IUnsealKeyProvider keys
            ? new AutoUnsealedStorage(_raw, keys, (TimeProvider?)services.GetService(typeof(TimeProvider)) ?? TimeProvider.System)
            : _raw;
    }

    public IStorage Storage { get; }

    /// <summary>The encrypting barrier in front of <see cref="Storage"/>, or <see langword="null"/> when no seal is configured.</summary>
    public AutoUnsealedStorage? Barrier => Storage as AutoUnsealedStorage;

    public void Dispose() => (_raw as IDisposable)?.Dispose();

    public ValueTask DisposeAsync()
    {
        if (_raw is IAsyncDisposable asyncDisposable)
        {
            return asyncDisposable.DisposeAsync();
        }

        Dispose();
        return ValueTask.CompletedTask;
    }
}
