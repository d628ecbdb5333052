using PluginHost.Catalog;

namespace PluginHost.Activation;

/// <summary>A set-up backend together with the catalog entry it was created from.</summary>
/// <param name="Backend">The backend, ready for requests.</param>
/// <param name="Plugin">The exact catalog entry (name, version, sha256) it runs, so a deregistration can find it.</param>
internal sealed record ActivatedBackend(IBackend Backend, CatalogEntry Plugin);
