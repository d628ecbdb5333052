using PluginHost.Catalog;
using PluginHost.Runtime;

namespace PluginHost.Activation;

/// <summary>Creates backends for catalog entries: builtins in-process from their factory, external plugins in their process.</summary>
internal sealed class CatalogBackendFactory(PluginCatalog catalog, IServiceProvider services, PluginProcessPool processes) : IBackendFactory
{
    public ValueTask<IBackend> CreateAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        if (!entry.Builtin)
        {
            return processes.CreateBackendAsync(entry, cancellationToken);
        }

        var builtin = catalog.FindBuiltin(entry.Type, entry.Name)
            ?? throw new PluginHostException(ErrorCode.Unavailable, $"builtin plugin '{entry.Name}' of type '{entry.Type.ToName()}' is not available in this host");
        return ValueTask.FromResult(builtin.Factory(services));
    }
}
