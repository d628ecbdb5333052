using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using PolyType;
using StreamJsonRpc;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// The one way both ends of the plugin protocol frame and encode messages: JSON-RPC 2.0, UTF-8 JSON, each message
/// preceded by an LSP-style <c>Content-Length: N\r\n\r\n</c> header (docs/protocol.md, "Framing").
/// </summary>
internal static class ProtocolChannel
{
    /// <summary>The protocol versions this SDK speaks, lowest first.</summary>
    public static readonly IReadOnlyList<int> SupportedVersions = [1];

    /// <summary>
    /// How deep a message may nest (objects and arrays, the message itself counted): StreamJsonRpc parses every message
    /// with this fixed limit on both ends, so it is the protocol's.
    /// </summary>
    public const int MaxMessageDepth = 64;

    /// <summary>
    /// The levels the request envelope puts around a request's <c>data</c>: the message, its <c>params</c>, the
    /// <c>request</c>. Data nested deeper than <see cref="MaxMessageDepth"/> minus these cannot be parsed by the plugin.
    /// </summary>
    public const int RequestEnvelopeDepth = 3;

    /// <summary>How deep a request's <c>data</c> may nest (the data object counted) for a plugin to parse it: 61.</summary>
    public const int MaxRequestDataDepth = MaxMessageDepth - RequestEnvelopeDepth;

    /// <summary>The largest message StreamJsonRpc can read (its lengths are <see cref="int"/>s): the plugin's own limit.</summary>
    public const long MaxReadableMessageBytes = int.MaxValue;

    /// <summary>Creates a connection over <paramref name="duplex"/> serving <paramref name="target"/>'s <c>[JsonRpcMethod]</c> methods; call <see cref="JsonRpc.StartListening"/> after.</summary>
    /// <param name="duplex">The connected stream.</param>
    /// <param name="target">The methods this end serves.</param>
    /// <param name="maxMessageBytes">The largest message the other end may send; its headers are checked by <see cref="FrameGuardStream"/>.</param>
    /// <param name="limits">The host's bounds on the other end's requests, or <see langword="null"/> (the plugin's end).</param>
    /// <remarks>The target's methods come from its source-generated shape (<c>[GenerateShape]</c>), not from reflection, so
    /// both ends work trimmed and under NativeAOT.</remarks>
    public static JsonRpc Create<TTarget>(Stream duplex, TTarget target, long maxMessageBytes = MaxReadableMessageBytes, StorageCallLimits? limits = null)
        where TTarget : class, IShapeable<TTarget>
    {
        var rpc = new ProtocolJsonRpc(new ProtocolMessageHandler(duplex, maxMessageBytes, CreateFormatter(), limits))
        {
            // Both ends carry the W3C trace context, so a trace goes host → plugin → host storage and back.
            ActivityTracingStrategy = TraceContextStrategy.Instance,
        };
        rpc.AddLocalRpcTarget(RpcTargetMetadata.FromShape<TTarget>(), target, new JsonRpcTargetOptions { AllowNonPublicInvocation = false });
        return rpc;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Every protocol type is in ProtocolJsonContext, the formatter's only resolver.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Every protocol type is in ProtocolJsonContext, the formatter's only resolver.")]
    private static SystemTextJsonFormatter CreateFormatter() => new()
    {
        // Wire names are fixed by [JsonPropertyName] on the protocol types; data keys stay as the caller wrote them.
        JsonSerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            TypeInfoResolver = ProtocolJsonContext.Default,

            // The same limit StreamJsonRpc parses whole messages with, so a value is never refused by one of the two alone.
            MaxDepth = MaxMessageDepth,

            // Absent and null mean the same on this protocol; leaving nulls out keeps messages short.
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        },
    };

    /// <summary>
    /// The JSON-RPC error a <see cref="PluginHostException"/> becomes: its code is the error's HTTP status. Cancellation is
    /// not translated: StreamJsonRpc reports it as JSON-RPC's request-cancelled error.
    /// </summary>
    public static LocalRpcException ToRpcError(Exception exception) => exception switch
    {
        PluginHostException known => new LocalRpcException(known.Message) { ErrorCode = (int)known.Code },
        _ => new LocalRpcException($"internal error in plugin: {exception.Message}") { ErrorCode = (int)ErrorCode.Internal },
    };

    /// <summary>The <see cref="PluginHostException"/> a JSON-RPC error from the other end stands for.</summary>
    public static PluginHostException FromRpcError(RemoteInvocationException error, string peer)
    {
        var code = Enum.IsDefined((ErrorCode)error.ErrorCode) ? (ErrorCode)error.ErrorCode : ErrorCode.Internal;
        var message = Enum.IsDefined((ErrorCode)error.ErrorCode) ? error.Message : $"{peer} failed (JSON-RPC error {error.ErrorCode}): {error.Message}";
        return new PluginHostException(code, message, error);
    }

    /// <summary>Runs one served call, turning its failure into the JSON-RPC error the other end expects.</summary>
    public static async Task<T> ServeAsync<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not LocalRpcException and not OperationCanceledException)
        {
            throw ToRpcError(error);
        }
    }

    /// <summary>
    /// Calls the other end and reports its failures as <see cref="PluginHostException"/>s: its JSON-RPC errors by their
    /// code, a lost connection as <paramref name="connectionLost"/> (Unavailable), and an error the other end sent
    /// because we cancelled as our own cancellation.
    /// </summary>
    public static async Task<T> InvokeAsync<T>(JsonRpc rpc, string method, object parameters, string peer, string connectionLost, CancellationToken cancellationToken)
    {
        // The client span: StreamJsonRpc sends its context as the request's traceparent, the other end's server span's parent.
        using var span = PluginHostTelemetry.StartActivity(method, ActivityKind.Client);
        if (span is { IsAllDataRequested: true })
        {
            RpcTags.Add(span, method);
            span.SetTag("pluginhost.peer", peer);
        }

        try
        {
            return await InvokeWithParametersAsync<T>(rpc, method, parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteInvocationException error) when (cancellationToken.IsCancellationRequested)
        {
            // The other end gave up because we asked it to: report the cancellation, not its way of saying so.
            span?.SetStatus(ActivityStatusCode.Error, "cancelled");
            throw new OperationCanceledException("the request was cancelled", error, cancellationToken);
        }
        catch (RemoteInvocationException error)
        {
            span?.SetStatus(ActivityStatusCode.Error, error.Message);
            span?.SetTag("rpc.jsonrpc.error_code", error.ErrorCode);
            throw FromRpcError(error, peer);
        }
        catch (Exception error) when (IsTransportFailure(error, rpc))
        {
            span?.SetStatus(ActivityStatusCode.Error, connectionLost);
            throw new PluginHostException(ErrorCode.Unavailable, connectionLost, error);
        }
    }

    /// <summary>
    /// Whether a failed call failed because the connection did: lost or disposed, a socket or pipe error (a peer killed
    /// while a request was being written fails it with "Broken pipe"), or anything at all once the connection has
    /// ended. Cancellation is never one: the caller asked for it.
    /// </summary>
    public static bool IsTransportFailure(Exception error, JsonRpc rpc)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        return error switch
        {
            OperationCanceledException => false,
            ConnectionLostException or ObjectDisposedException or IOException or System.Net.Sockets.SocketException => true,
            _ => rpc.Completion.IsCompleted,
        };
    }

    /// <summary>Sends <paramref name="parameters"/> whole as the request's <c>params</c> object.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification =
        "SystemTextJsonFormatter writes a parameter object whole with its options, whose only resolver is ProtocolJsonContext; nothing reflects over it.")]
    public static Task<T> InvokeWithParametersAsync<T>(JsonRpc rpc, string method, object parameters, CancellationToken cancellationToken) =>
        rpc.InvokeWithParameterObjectAsync<T>(method, parameters, cancellationToken);
}
