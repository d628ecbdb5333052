using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RawProtocolPlugin;

/// <summary>
/// One mount's kv engine: a write stores its fields as one JSON object at <c>kv/&lt;key&gt;</c> in the host's storage and
/// answers them, a read answers them (or <c>null</c>), a list answers the keys and folders below <c>kv/&lt;folder&gt;/</c>.
/// It keeps nothing in memory, so there is no cache to invalidate.
/// </summary>
internal sealed class KvBackend(HostStorage storage)
{
    private const string Prefix = "kv/";
    private const string Help = "A key-value secrets engine written from docs/protocol.md alone: "
        + "write fields to 'kv/<key>', read them back, delete the key, list 'kv/' or 'kv/<folder>/'.";

    /// <returns>The response object, or <see langword="null"/> for "nothing at this path".</returns>
    /// <exception cref="RpcError">The path or operation is not supported, or the request breaks a rule.</exception>
    public async Task<JsonNode?> HandleAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        if (request.Operation == "help" && (request.Path.Length == 0 || request.Path.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            return new JsonObject { ["data"] = new JsonObject { ["help"] = Help } };
        }

        var path = Routed(request.Path);
        switch (request.Operation)
        {
            case "read":
                var stored = await storage.GetAsync(KeyOf(path, "read"), cancellationToken);
                return stored is null ? null : new JsonObject { ["data"] = StoredObject(path, stored) };

            case "create" or "update":
                if (request.Data is not { Count: > 0 } data)
                {
                    throw new RpcError(RpcError.BadRequest, "no data provided");
                }

                var value = Encoding.UTF8.GetBytes(data.ToJsonString());
                await storage.PutAsync(KeyOf(path, "write"), value, cancellationToken);

                // Answer what was stored, so a CLI prints it as a Key/Value table, like the SDK's mock plugin.
                return new JsonObject { ["data"] = StoredObject(path, value) };

            case "delete":
                await storage.DeleteAsync(KeyOf(path, "delete"), cancellationToken);
                return null;

            case "list":
                var keys = await storage.ListAsync(path.EndsWith('/') ? path : path + "/", cancellationToken);

                // Nothing below the folder is "nothing at this path", which the host answers as Vault does (404).
                return keys.Count == 0 ? null : new JsonObject { ["data"] = new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => JsonValue.Create(k))]) } };

            default:
                throw new RpcError(RpcError.Unsupported, "unsupported operation");
        }
    }

    /// <summary>Whether a write to the request's path updates an existing key (<c>true</c>) or creates one.</summary>
    public async Task<bool> ExistsAsync(BackendRequest request, CancellationToken cancellationToken) =>
        await storage.GetAsync(KeyOf(Routed(request.Path), "write"), cancellationToken) is not null;

    private static string Routed(string path) => path.StartsWith(Prefix, StringComparison.Ordinal)
        ? path
        : throw new RpcError(RpcError.NotFound, $"unsupported path: {path}");

    // The path is the storage key; the host checks the rest of the key rules (§5) and says which one broke.
    private static string KeyOf(string path, string verb) =>
        path.Length == Prefix.Length ? throw new RpcError(RpcError.BadRequest, $"missing key: {verb} a key such as 'kv/my-secret', or list 'kv/' to see the keys")
        : path.EndsWith('/') ? throw new RpcError(RpcError.BadRequest, $"path '{path}' ends with '/', which names a folder: list it, or {verb} a key without the trailing '/'")
        : path;

    private static JsonObject StoredObject(string key, byte[] value)
    {
        try
        {
            return JsonNode.Parse(value) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new RpcError(RpcError.Internal, $"stored value at '{key}' is not a JSON object ({e.Message}); write the key again or delete it");
        }
    }
}
