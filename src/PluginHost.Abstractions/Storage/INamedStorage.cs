namespace PluginHost;

/// <summary>A storage that names its kind the way Vault's configuration does, for <c>sys/seal-status</c>'s <c>storage_type</c>.</summary>
public interface INamedStorage
{
    /// <summary>The kind's name, as in the <c>storage "…"</c> stanza of a server configuration (<c>file</c>, <c>inmem</c>, <c>postgresql</c>).</summary>
    string StorageType { get; }
}
