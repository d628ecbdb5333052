namespace PluginHost.Storage.PostgreSql;

/// <summary>What a database call does, for its messages; formatted only when one is written.</summary>
/// <param name="Verb">read, write, delete, list, or what the HA lock does.</param>
/// <param name="Key">The storage key or folder it concerns, or empty.</param>
internal readonly record struct StorageCall(string Verb, string Key = "")
{
    /// <summary>As a message says it: <c>read 'core/mounts'</c>, <c>list the root folder</c>, <c>renew the HA lock</c>.</summary>
    public override string ToString() => (Verb, Key) switch
    {
        ("list", "") => "list the root folder",
        (_, "") => Verb,
        _ => $"{Verb} '{Key}'",
    };
}
