using Microsoft.Extensions.Logging;
using PluginHost.Activation;
using PluginHost.Catalog;
using PluginHost.Storage;

namespace PluginHost.Mounts;

/// <summary>Turns a mount entry into a set-up backend: resolve the plugin in the catalog, create it, give it its storage view.</summary>
internal sealed partial class BackendActivator(PluginCatalog catalog, IBackendFactory factory, IStorage storage, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<BackendActivator>();

    /// <exception cref="PluginHostException">The plugin cannot be resolved, created or set up; the message says why.</exception>
    public async ValueTask<ActivatedBackend> ActivateAsync(MountEntry mount, CancellationToken cancellationToken)
    {
        var plugin = await catalog.ResolveAsync(mount.Table, mount.PluginName, mount.PluginVersion, cancellationToken).ConfigureAwait(false);
        var backend = await factory.CreateAsync(plugin, cancellationToken).ConfigureAwait(false);
        try
        {
            if (backend.Type != mount.Table)
            {
                throw BackendTypeNames.WrongTypeError(mount.PluginName, backend.Type, mount.Table);
            }

            var config = new BackendConfig
            {
                Storage = new StorageView(storage, mount.StoragePrefix),
                MountPath = mount.RoutePath,
                BackendUuid = mount.Uuid,
                Type = mount.Table,
                Options = mount.Config.Options,
                Logger = loggerFactory.CreateLogger("PluginHost.Backends." + mount.PluginName),
            };
            await backend.SetupAsync(config, cancellationToken).ConfigureAwait(false);
            return new ActivatedBackend(backend, plugin);
        }
        catch (Exception setupError) when (setupError is not OutOfMemoryException)
        {
            // A backend that failed its setup still holds what it started (a process, later); release it.
            try
            {
                await backend.CleanupAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception cleanupError) when (cleanupError is not OutOfMemoryException)
            {
                // The setup error is what the caller needs to see; the cleanup failure goes to the log.
                LogCleanupAfterFailedSetupFailed(cleanupError, mount.RoutePath);
            }

            if (ErrorBounds.IsUnexplained(setupError))
            {
                // The HTTP API answers it with its request id only: the reason goes to the log (bounded).
                LogSetupFailedInternally(mount.PluginName, mount.RoutePath, ErrorBounds.Cut(setupError.Message));
            }

            if (setupError is PluginHostException or OperationCanceledException)
            {
                throw;
            }

            throw new PluginHostException(
                ErrorCode.Unavailable,
                $"plugin '{mount.PluginName}' failed its setup for {mount.RoutePath}: {setupError.Message}",
                setupError);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Plugin {PluginName} failed its setup for {MountPath} with an internal error: {Reason}")]
    private partial void LogSetupFailedInternally(string pluginName, string mountPath, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleanup of the backend for {MountPath} failed after its setup failed")]
    private partial void LogCleanupAfterFailedSetupFailed(Exception exception, string mountPath);
}
