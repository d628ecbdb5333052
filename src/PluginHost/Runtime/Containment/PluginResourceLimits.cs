using System.Globalization;
using PluginHost.Catalog;

namespace PluginHost.Runtime;

/// <summary>The limits one plugin process runs under: its catalog entry's, else the host's defaults.</summary>
internal sealed record PluginResourceLimits(long? MemoryBytes, int? Processes, int? OpenFiles)
{
    /// <summary>No limit at all.</summary>
    public static readonly PluginResourceLimits None = new(null, null, null);

    /// <summary>Whether any limit is set.</summary>
    public bool Any => MemoryBytes is not null || Processes is not null || OpenFiles is not null;

    /// <summary>The entry's limits, each falling back to the host option of the same kind.</summary>
    public static PluginResourceLimits For(CatalogEntry entry, PluginHostOptions options) => new(
        entry.MemoryLimit ?? options.PluginMemoryLimit,
        entry.MaxProcesses ?? options.PluginMaxProcesses,
        entry.MaxOpenFiles ?? options.PluginMaxOpenFiles);

    /// <summary>A byte count as people write it: "256 MiB", "1 GiB", "1000 bytes".</summary>
    public static string FormatBytes(long bytes)
    {
        foreach (var (unit, size) in (ReadOnlySpan<(string, long)>)[("TiB", 1L << 40), ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10)])
        {
            if (bytes >= size && bytes % size == 0)
            {
                return $"{(bytes / size).ToString(CultureInfo.InvariantCulture)} {unit}";
            }
        }

        return $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes";
    }
}
