namespace PluginHost.Catalog;

/// <summary>Describes a successful change to the catalog, raised by <see cref="PluginCatalog.Changed"/>.</summary>
/// <param name="type">The type of the changed entry.</param>
/// <param name="name">The name of the changed entry.</param>
/// <param name="version">The canonical version of the changed entry, or <see langword="null"/> when unversioned.</param>
/// <param name="kind">Whether the entry was registered or deregistered.</param>
public sealed class CatalogChangedEventArgs(BackendType type, string name, string? version, CatalogChangeKind kind) : EventArgs
{
    /// <summary>The type of the changed entry.</summary>
    public BackendType Type { get; } = type;

    /// <summary>The name of the changed entry.</summary>
    public string Name { get; } = name;

    /// <summary>The canonical version of the changed entry, or <see langword="null"/> when unversioned.</summary>
    public string? Version { get; } = version;

    /// <summary>Whether the entry was registered or deregistered.</summary>
    public CatalogChangeKind Kind { get; } = kind;
}
