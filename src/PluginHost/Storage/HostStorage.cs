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

        var clock = (TimeProvider?)services.GetService(typeof(TimeProvider)) ?? TimeProvider.System;
        Chain = new BarrierKeys(_raw, clock);

        // With an unseal key provider, everything the host keeps goes through the encrypting barrier, opened at once;
        // with a Shamir seal, through the one each unseal opens.
        if (services.GetService(typeof(IUnsealKeyProvider)) is IUnsealKeyProvider keys)
        {
            Kind = SealKind.Static;
            AutoUnsealed = new AutoUnsealedStorage(_raw, keys, Chain);
        }
        else
        {
            Kind = services.GetService(typeof(ShamirSealMarker)) is null ? SealKind.None : SealKind.Shamir;
        }
    }

    /// <summary>The storage as configured, below any barrier.</summary>
    public IStorage Raw => _raw;

    /// <summary>How the storage is protected.</summary>
    public SealKind Kind { get; }

    /// <summary>The key chain kept in <see cref="Raw"/>.</summary>
    public BarrierKeys Chain { get; }

    /// <summary>The barrier a static seal opens by itself, or <see langword="null"/>.</summary>
    public AutoUnsealedStorage? AutoUnsealed { get; }

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
