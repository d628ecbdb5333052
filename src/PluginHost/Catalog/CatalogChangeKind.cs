namespace PluginHost.Catalog;

/// <summary>What happened to a catalog entry.</summary>
public enum CatalogChangeKind
{
    /// <summary>An entry was registered, or re-registered and replaced.</summary>
    Registered = 0,

    /// <summary>An entry was removed.</summary>
    Deregistered = 1,
}
