namespace PluginHost.Backends;

/// <summary>Options of a <see cref="KvBackend"/>.</summary>
public sealed class KvBackendOptions
{
    /// <summary>
    /// A folder every path must start with, ending with <c>/</c> (for example <c>kv/</c>, so paths are <c>kv/&lt;key&gt;</c>),
    /// or empty (the default) to serve keys at the mount's root. Paths outside it are answered "unsupported path".
    /// </summary>
    public string PathPrefix { get; init; } = "";

    /// <summary>
    /// Whether a write answers the data it wrote, so a CLI prints it as a Key/Value table (as Vault's mock plugin does).
    /// Defaults to <see langword="false"/>: a write answers nothing, as Vault's kv engine does.
    /// </summary>
    public bool EchoWrites { get; init; }
}
