using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// JSON-RPC as both ends of the protocol speak it: an error sent to the other end is a code and a message, never the
/// sender's stack trace or exception types (StreamJsonRpc puts them in <c>error.data</c> for any exception that is not a
/// <see cref="LocalRpcException"/>); and params that cannot be decoded are the caller's mistake (400), not an
/// internal error.
/// </summary>
internal sealed class ProtocolJsonRpc(IJsonRpcMessageHandler handler) : JsonRpc(handler)
{
    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(request);
        var detail = base.CreateErrorDetails(request, exception);
        if (Undecodable(exception) is { } decoding)
        {
            detail.Code = (JsonRpcErrorCode)(int)ErrorCode.BadRequest;
            detail.Message = $"could not decode the params of {request.Method}: {decoding}";
        }

        detail.Data = null;
        return detail;
    }

    // StreamJsonRpc reports params it could not bind as the serializer's JsonException (or an RpcArgumentDeserializationException
    // around it). A JsonException from inside a served method never gets here: ServeAsync turns every failure of one into
    // a LocalRpcException.
    private static string? Undecodable(Exception exception)
    {
        if (exception is System.Text.Json.JsonException json)
        {
            return json.Message;
        }

        for (Exception? error = exception; error is not null; error = error.InnerException)
        {
            if (error is RpcArgumentDeserializationException deserialization)
            {
                return FirstJsonMessage(deserialization) ?? "the params do not match the method";
            }
        }

        return null;
    }

    private static string? FirstJsonMessage(Exception exception)
    {
        for (Exception? error = exception; error is not null; error = error.InnerException)
        {
            if (error is System.Text.Json.JsonException json)
            {
                return json.Message;
            }
        }

        return null;
    }
}
