using Microsoft.Extensions.Logging;
using PluginHost.Catalog;
using PluginHost.Mounts;
using PluginHost.Storage;

namespace PluginHost.Runtime;

/// <summary>Turns a mount entry into a set-up backend: resolve the plugin in the catalog, create it, give it its storage view.</summary>
internal sealed class BackendActivator(PluginCatalog catalog, IBackendFactory factory, IStorage storage, ILoggerFactory loggerFactory)
{
    public async ValueTask<IBackend> ActivateAsync(MountEntry mount, CancellationToken cancellationToken)
    {
        var entry = await catalog.ResolveAsync(mount.Table, mount.PluginName, mount.PluginVersion, cancellationToken).ConfigureAwait(false);
        var backend = await factory.CreateAsync(entry, cancellationToken).ConfigureAwait(false);
        if (backend.Type != mount.Table)
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"cannot mount '{mount.PluginName}' of type '{backend.Type.ToName()}' as {MountTableNames.Article(mount.Table)}");
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
        return backend;
    }
}
