using System.Collections.ObjectModel;

namespace PluginHost.Catalog;

/// <summary>One plugin the catalog knows: an external binary pinned by SHA-256, or a builtin backend.</summary>
/// <remarks>
/// A plain, immutable, JSON-friendly record: the catalog persists it and it crosses the wire as it is.
/// Every property name but the limits is a single lower-case word in JSON (<c>type</c>, <c>name</c>, <c>version</c>, <c>command</c>,
/// <c>args</c>, <c>env</c>, <c>sha256</c>, <c>builtin</c>), the same in camelCase and snake_case, like Vault's; the
/// limits are <c>memory_limit</c>, <c>max_processes</c> and <c>max_open_files</c> in snake_case.
/// </remarks>
public sealed record CatalogEntry
{
    /// <summary>Whether the plugin is a secrets engine, an auth method or a database plugin.</summary>
    public required BackendType Type { get; init; }

    /// <summary>The catalog name, unique per <see cref="Type"/> and <see cref="Version"/>.</summary>
    public required string Name { get; init; }

    /// <summary>The canonical semantic version (<c>v1.2.3</c>), or <see langword="null"/> for an unversioned entry.</summary>
    public string? Version { get; init; }

    /// <summary>The executable's path relative to the plugin directory; empty for builtins.</summary>
    public string Command { get; init; } = "";

    /// <summary>Arguments passed to the executable.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Environment variables (<c>NAME</c> → value) set for the plugin process, in addition to the host's minimal set.</summary>
    /// <remarks>May hold credentials: like Vault, leave it out of what <c>plugin info</c> and listings show.</remarks>
    public IReadOnlyDictionary<string, string> Env { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The SHA-256 digest of the executable as 64 lower-case hexadecimal characters; empty for builtins.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>The plugin's memory limit in bytes, or <see langword="null"/> for the host's default (<see cref="PluginHostOptions.PluginMemoryLimit"/>).</summary>
    public long? MemoryLimit { get; init; }

    /// <summary>The plugin's process limit, or <see langword="null"/> for the host's default (<see cref="PluginHostOptions.PluginMaxProcesses"/>).</summary>
    public int? MaxProcesses { get; init; }

    /// <summary>The plugin's open-file limit, or <see langword="null"/> for the host's default (<see cref="PluginHostOptions.PluginMaxOpenFiles"/>).</summary>
    public int? MaxOpenFiles { get; init; }

    /// <summary>Whether the entry is a backend compiled into the host (<see cref="BuiltinPlugin"/>).</summary>
    public bool Builtin { get; init; }
}
