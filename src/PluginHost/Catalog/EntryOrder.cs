namespace PluginHost.Catalog;

/// <summary>The catalog's listing order: type name, name, version (unversioned first), externals before a builtin of the same version.</summary>
internal sealed class EntryOrder : IComparer<CatalogEntry>
{
    public static readonly EntryOrder Instance = new();

    public int Compare(CatalogEntry? x, CatalogEntry? y)
    {
        if (x is null || y is null)
        {
            return (x is null ? 0 : 1) - (y is null ? 0 : 1);
        }

        var byType = string.CompareOrdinal(x.Type.ToName(), y.Type.ToName());
        if (byType != 0)
        {
            return byType;
        }

        var byName = string.CompareOrdinal(x.Name, y.Name);
        if (byName != 0)
        {
            return byName;
        }

        var byVersion = PluginVersion.Compare(x.Version, y.Version);
        return byVersion != 0 ? byVersion : x.Builtin.CompareTo(y.Builtin);
    }
}
