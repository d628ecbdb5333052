using PluginHost.Protocol;
using StreamJsonRpc;

namespace PluginHost.Sdk.Protocol;

/// <summary>A backend instance's storage view inside a plugin: every call goes to the host, which scopes it to the instance's mount.</summary>
internal sealed class RemoteStorage(JsonRpc rpc, string instanceId) : IStorage
{
    public async ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        return await CallAsync<StorageEntry?>(ProtocolMethods.StorageGet, new InstanceParams { InstanceId = instanceId, Key = key }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        StorageKey.Validate(entry.Key);
        await CallAsync<object?>(ProtocolMethods.StoragePut, new InstanceParams { InstanceId = instanceId, Key = entry.Key, Value = entry.Value }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        await CallAsync<object?>(ProtocolMethods.StorageDelete, new InstanceParams { InstanceId = instanceId, Key = key }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var normalized = StorageKey.NormalizePrefix(prefix);
        return await CallAsync<string[]>(ProtocolMethods.StorageList, new InstanceParams { InstanceId = instanceId, Key = normalized }, cancellationToken).ConfigureAwait(false) ?? [];
    }

    private Task<T> CallAsync<T>(string method, InstanceParams parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.InvokeAsync<T>(rpc, method, parameters, "host storage", "the connection to the host was lost during a storage call", cancellationToken);
}
