using System.Text.Json;
using System.Text.Json.Nodes;

namespace RawProtocolPlugin;

/// <summary>One backend instance's private storage view in the host, through the <c>storage.*</c> calls of protocol.md §5.</summary>
internal sealed class HostStorage(RpcPeer host, string instanceId)
{
    /// <returns>The stored bytes, or <see langword="null"/> when nothing is stored under <paramref name="key"/>.</returns>
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var entry = await host.CallAsync("storage.get", Params(key), cancellationToken);
        return entry is { } found ? Convert.FromBase64String(found.GetProperty("value").GetString() ?? "") : null;
    }

    public async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        var parameters = Params(key);
        parameters["value"] = Convert.ToBase64String(value);
        await host.CallAsync("storage.put", parameters, cancellationToken);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        await host.CallAsync("storage.delete", Params(key), cancellationToken);

    /// <param name="folder">The folder, ending with <c>/</c>, or empty for the root.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The direct children, sorted, folders with a trailing <c>/</c>.</returns>
    public async Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken)
    {
        var keys = await host.CallAsync("storage.list", Params(folder), cancellationToken);
        return keys is { ValueKind: JsonValueKind.Array } array ? [.. array.EnumerateArray().Select(k => k.GetString() ?? "")] : [];
    }

    private JsonObject Params(string key) => new() { ["instance_id"] = instanceId, ["key"] = key };
}
