using PluginHost.Protocol;
using StreamJsonRpc;

namespace PluginHost.Sdk.Protocol;

/// <summary>A backend instance's storage view inside a plugin: every call goes to the host, which scopes it to the instance's mount.</summary>
/// <remarks>
/// At most <see cref="PluginClient.DefaultMaxStorageCallsInFlightPerInstance"/> calls of one instance are sent at once;
/// more wait here. The host refuses (rather than queues) calls of one instance beyond its cap, so a backend that
/// fans out more reads than that must queue on this side to never see those refusals.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification =
    "The semaphore never allocates a wait handle (only WaitAsync is used), so there is nothing to dispose; the view lives as long as its instance.")]
internal sealed class RemoteStorage(JsonRpc rpc, string instanceId) : IStorage
{
    private readonly SemaphoreSlim _inFlight = new(PluginClient.DefaultMaxStorageCallsInFlightPerInstance, PluginClient.DefaultMaxStorageCallsInFlightPerInstance);

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

    private async Task<T> CallAsync<T>(string method, InstanceParams parameters, CancellationToken cancellationToken)
    {
        // Released once the answer is here: by then the host has written it, so it never counts more of ours than we do.
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ProtocolChannel.InvokeAsync<T>(
                rpc, method, parameters, "host storage", "the connection to the host was lost during a storage call", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }
}
