using System.Collections.ObjectModel;

namespace PluginHost.Catalog;

/// <summary>What a caller registers in the catalog: an external plugin binary and how to run it.</summary>
/// <remarks>
/// <see cref="PluginCatalog.RegisterAsync"/> validates every member and stores a <see cref="CatalogEntry"/>.
/// </remarks>
/// <example>
/// <code>
/// await catalog.RegisterAsync(new PluginRegistration
/// {
///     Type = BackendType.Secret,
///     Name = "my-mock-plugin",
///     Version = "1.0.0",
///     Command = "mock-plugin",
///     Sha256 = "2c3e…",
/// });
/// </code>
/// </example>
public sealed record PluginRegistration
{
    /// <summary>Whether the plugin is a secrets engine, an auth method or a database plugin. <see cref="BackendType.Unknown"/> is refused.</summary>
    public required BackendType Type { get; init; }

    /// <summary>The catalog name: 1 to 128 ASCII letters, digits, <c>-</c>, <c>_</c> or <c>.</c>.</summary>
    public required string Name { get; init; }

    /// <summary>A semantic version, with or without a leading <c>v</c>; <see langword="null"/> or empty registers an unversioned entry.</summary>
    public string? Version { get; init; }

    /// <summary>The executable's path relative to the plugin directory; it must stay inside it after resolving symlinks.</summary>
    public required string Command { get; init; }

    /// <summary>Arguments passed to the executable.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Environment variables (<c>NAME</c> → value) set for the plugin process.</summary>
    /// <remarks>
    /// Variables that would make the plugin load code its <see cref="Sha256"/> does not cover are refused, such as
    /// <c>LD_PRELOAD</c>, <c>DOTNET_STARTUP_HOOKS</c> or <c>PYTHONPATH</c> (the list with its reasons: docs/security.md,
    /// "Plugin environment"), and so are the protocol's own <c>PLUGINHOST_*</c> variables.
    /// </remarks>
    public IReadOnlyDictionary<string, string> Env { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The plugin's memory limit in bytes (at least 16 MiB), or <see langword="null"/> for the host's default.</summary>
    /// <remarks>See docs/security.md, "Process containment", for how each limit is enforced.</remarks>
    public long? MemoryLimit { get; init; }

    /// <summary>How many processes (and threads) the plugin may have, at least 1, or <see langword="null"/> for the host's default.</summary>
    public int? MaxProcesses { get; init; }

    /// <summary>How many files the plugin may have open (RLIMIT_NOFILE), at least 16, or <see langword="null"/> for the host's default.</summary>
    public int? MaxOpenFiles { get; init; }

    /// <summary>The expected SHA-256 digest of the executable: 64 hexadecimal characters, any case.</summary>
    public required string Sha256 { get; init; }
}
