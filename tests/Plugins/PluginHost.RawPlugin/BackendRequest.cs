using System.Text.Json;
using System.Text.Json.Nodes;

namespace RawProtocolPlugin;

/// <summary>The <c>request</c> of <c>backend.handleRequest</c> and <c>backend.existenceCheck</c> (protocol.md §4), the fields this plugin uses.</summary>
internal sealed record BackendRequest(string Operation, string Path, JsonObject? Data)
{
    public static BackendRequest From(JsonElement request) => new(
        Params.RequiredString(request, "operation"),
        Params.OptionalString(request, "path") ?? "",
        Params.Optional(request, "data") switch
        {
            null => null,
            { ValueKind: JsonValueKind.Object } data => JsonNode.Parse(data.GetRawText())!.AsObject(),
            _ => throw new RpcError(RpcError.BadRequest, "request data must be a JSON object"),
        });
}
