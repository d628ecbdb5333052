using System.Text.Json;

namespace RawProtocolPlugin;

/// <summary>Reads named parameters: <c>params</c> is one JSON object, and absent and <c>null</c> mean the same (protocol.md §2).</summary>
internal static class Params
{
    public static JsonElement? Optional(JsonElement parameters, string name)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw new RpcError(RpcError.BadRequest, "params must be one JSON object");
        }

        return parameters.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public static JsonElement Required(JsonElement parameters, string name) =>
        Optional(parameters, name) ?? throw new RpcError(RpcError.BadRequest, $"missing parameter '{name}'");

    public static string RequiredString(JsonElement parameters, string name) =>
        Required(parameters, name) is { ValueKind: JsonValueKind.String } value
            ? value.GetString()!
            : throw new RpcError(RpcError.BadRequest, $"parameter '{name}' must be a string");

    public static string? OptionalString(JsonElement parameters, string name) => Optional(parameters, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw new RpcError(RpcError.BadRequest, $"parameter '{name}' must be a string"),
    };
}
