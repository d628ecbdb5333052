using PluginHost.Catalog;

namespace PluginHost.Activation;

/// <summary>
/// Creates the backend instance for a catalog entry: builtins in-process, external plugins through the process
/// runtime. It is the seam between the mount table and how a plugin actually runs.
/// </summary>
internal interface IBackendFactory
{
    /// <summary>Creates a new, not yet set up, backend for <paramref name="entry"/>.</summary>
    /// <exception cref="PluginHostException">The plugin cannot be created; the message says why.</exception>
    ValueTask<IBackend> CreateAsync(CatalogEntry entry, CancellationToken cancellationToken);
}
