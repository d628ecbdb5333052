namespace PluginHost;

/// <summary>
/// Tells one node which keys the other nodes sharing its storage wrote or deleted, so what it keeps from the store
/// (a standby's keyring) never goes stale.
/// </summary>
public interface IStorageChangeFeed
{
    /// <summary>
    /// Calls <paramref name="onChange"/> with each key another node wrote or deleted, and with <see langword="null"/>
    /// when changes may have been missed (the feed reconnected, fell behind, or its periodic full check is due): then
    /// everything the watcher keeps from the storage must be read again. Calls come one at a time, in order.
    /// </summary>
    /// <param name="onChange">The watcher; an exception it throws is logged and does not stop the feed.</param>
    /// <returns>Stops the calls when disposed.</returns>
    IDisposable Watch(Func<string?, CancellationToken, ValueTask> onChange);
}
