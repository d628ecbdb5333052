using PluginHost.Catalog;

namespace PluginHost.Runtime;

/// <summary>Creates backends for catalog entries: builtins from their factory; external plugins are refused until the process runtime exists.</summary>
internal sealed class BuiltinBackendFactory(PluginCatalog catalog, IServiceProvider services) : IBackendFactory
{
    public ValueTask<IBackend> CreateAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        if (!entry.Builtin)
        {
            throw new PluginHostException(
                ErrorCode.Unavailable,
                $"plugin '{entry.Name}' is an external plugin, and this host has no external plugin runtime yet; mount a builtin plugin instead");
        }

        var builtin = catalog.FindBuiltin(entry.Type, entry.Name)
            ?? throw new PluginHostException(ErrorCode.Unavailable, $"builtin plugin '{entry.Name}' of type '{entry.Type.ToName()}' is not available in this host");
        return ValueTask.FromResult(builtin.Factory(services));
    }
}
