namespace PluginHost.Backends;

/// <summary>Holds a backend's <see cref="BackendConfig"/> once the host has called <see cref="IBackend.SetupAsync"/>.</summary>
internal sealed class BackendSetup
{
    private readonly string _backendName;
    private volatile BackendConfig? _config;

    /// <summary>Creates the holder for a backend called <paramref name="backendName"/> in error messages.</summary>
    /// <param name="backendName">The backend's type name.</param>
    public BackendSetup(string backendName) => _backendName = backendName;

    /// <summary>The config; throws when the backend has not been set up yet.</summary>
    /// <exception cref="InvalidOperationException">SetupAsync has not been called.</exception>
    public BackendConfig Config => _config ?? throw new InvalidOperationException(
        $"{_backendName} has not been set up: call SetupAsync with the mount's BackendConfig before sending it requests.");

    /// <summary>The storage view of the mount.</summary>
    public IStorage Storage => Config.Storage;

    /// <summary>Keeps <paramref name="config"/>.</summary>
    /// <param name="config">The mount's config.</param>
    public void Set(BackendConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(config.Storage, nameof(config) + "." + nameof(config.Storage));
        _config = config;
    }
}
