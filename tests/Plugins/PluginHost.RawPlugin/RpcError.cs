namespace RawProtocolPlugin;

/// <summary>
/// A JSON-RPC error object (protocol.md §6): <see cref="Code"/> is an HTTP status (400, 403, 404, 405, 500, 503, 504)
/// or a JSON-RPC code, and the message is shown to users as is.
/// </summary>
internal sealed class RpcError(int code, string message) : Exception(message)
{
    public const int BadRequest = 400;
    public const int Forbidden = 403;
    public const int NotFound = 404;
    public const int Unsupported = 405;
    public const int Internal = 500;

    // JSON-RPC 2.0's own codes, and protocol.md §7's code for a cancelled request.
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int RequestCancelled = -32800;

    public int Code { get; } = code;
}
