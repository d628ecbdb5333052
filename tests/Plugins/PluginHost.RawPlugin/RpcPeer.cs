using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RawProtocolPlugin;

/// <summary>What serves the requests and notifications the host sends.</summary>
internal interface IRpcTarget
{
    /// <summary>Answers one request; the result is serialized as <c>result</c> (<see langword="null"/> as JSON <c>null</c>).</summary>
    /// <exception cref="RpcError">The call is refused; the error is the answer.</exception>
    Task<JsonNode?> HandleRequestAsync(string method, JsonElement parameters, CancellationToken cancellationToken);

    void HandleNotification(string method, JsonElement parameters);
}

/// <summary>
/// One JSON-RPC 2.0 connection on which both sides send requests (protocol.md §2): a single read loop takes
/// responses to this side's calls (matched by id) and requests from the host (each served on its own task, so several
/// are in flight, and a handler can itself call the host and wait while the loop keeps reading).
/// </summary>
internal sealed class RpcPeer : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement?>> _calls = new();

    // Keyed by the id's JSON text, which is how $/cancelRequest names it again.
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _served = new();
    private readonly CancellationTokenSource _closed = new();
    private long _lastCallId;

    public RpcPeer(Stream stream)
    {
        _stream = stream;
        _reader = new FrameReader(stream);
        _writer = new FrameWriter(stream);
    }

    /// <summary>Reads until the host closes the connection, dispatching every message to <paramref name="target"/>.</summary>
    /// <exception cref="IOException">The connection broke.</exception>
    /// <exception cref="InvalidDataException">A message's headers were malformed, so no later message can be found.</exception>
    public async Task RunAsync(IRpcTarget target, CancellationToken cancellationToken)
    {
        try
        {
            while (await _reader.ReadAsync(cancellationToken) is { } body)
            {
                Dispatch(body, target);
            }
        }
        finally
        {
            // Cancel in-flight handlers and fail calls still waiting for an answer that can no longer come.
            await _closed.CancelAsync();
            foreach (var call in _calls.Values)
            {
                call.TrySetException(new IOException("the host closed the connection"));
            }
        }
    }

    /// <summary>Calls a host method and waits for its answer.</summary>
    /// <returns>The <c>result</c>, or <see langword="null"/> when it is JSON <c>null</c>.</returns>
    /// <exception cref="RpcError">The host refused the call.</exception>
    /// <exception cref="IOException">The connection closed before the answer came.</exception>
    public async Task<JsonElement?> CallAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _lastCallId);
        var answer = new TaskCompletionSource<JsonElement?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[id] = answer;
        try
        {
            // Checked after registering: the read loop fails registered calls when it ends, this catches the later ones.
            if (_closed.IsCancellationRequested)
            {
                throw new IOException("the host closed the connection");
            }

            await _writer.WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters }, cancellationToken);
            return await answer.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _calls.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // _closed is not disposed: the read loop, ending because the stream is gone, still cancels it.
        await _closed.CancelAsync();
        await _stream.DisposeAsync();
        _writer.Dispose();
    }

    private void Dispatch(byte[] body, IRpcTarget target)
    {
        JsonElement message;
        try
        {
            using var document = JsonDocument.Parse(body);
            message = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            StderrLog.Warning($"dropped a message that is not JSON: {e.Message}");
            _ = AnswerAsync(Error(null, RpcError.ParseError, "parse error"));
            return;
        }

        if (message.ValueKind != JsonValueKind.Object)
        {
            _ = AnswerAsync(Error(null, RpcError.InvalidRequest, "a message must be a JSON object"));
        }
        else if (message.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String)
        {
            var parameters = message.TryGetProperty("params", out var p) ? p : default;
            if (message.TryGetProperty("id", out var id))
            {
                Serve(id, method.GetString()!, parameters, target);
            }
            else if (method.GetString() == "$/cancelRequest")
            {
                Cancel(parameters);
            }
            else
            {
                target.HandleNotification(method.GetString()!, parameters);
            }
        }
        else if (message.TryGetProperty("id", out var id) && (message.TryGetProperty("result", out _) || message.TryGetProperty("error", out _)))
        {
            Complete(id, message);
        }
        else
        {
            StderrLog.Warning($"dropped a message that is neither a request nor an answer: {message.GetRawText()}");
        }
    }

    private void Complete(JsonElement id, JsonElement message)
    {
        // No pending call: a late answer to a call this side stopped waiting for (its request was cancelled).
        if (id.TryGetInt64(out var callId) && _calls.TryGetValue(callId, out var call))
        {
            if (message.TryGetProperty("error", out var error))
            {
                call.TrySetException(error.ValueKind == JsonValueKind.Object
                    ? new RpcError(
                        error.TryGetProperty("code", out var code) && code.TryGetInt32(out var number) ? number : RpcError.Internal,
                        error.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "")
                    : new RpcError(RpcError.Internal, $"the host answered with a malformed error: {error.GetRawText()}"));
            }
            else
            {
                call.TrySetResult(message.TryGetProperty("result", out var result) && result.ValueKind != JsonValueKind.Null ? result : null);
            }
        }
    }

    private void Serve(JsonElement id, string method, JsonElement parameters, IRpcTarget target)
    {
        // Registered here, on the read loop, so a $/cancelRequest read next always finds it.
        var key = id.GetRawText();
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        if (!_served.TryAdd(key, cancellation))
        {
            cancellation.Dispose();
            _ = AnswerAsync(Error(id, RpcError.InvalidRequest, $"request id {key} is already in flight"));
            return;
        }

        _ = Task.Run(() => ServeAsync(id, key, method, parameters, target, cancellation));
    }

    private async Task ServeAsync(JsonElement id, string key, string method, JsonElement parameters, IRpcTarget target, CancellationTokenSource cancellation)
    {
        JsonObject answer;
        try
        {
            var result = await target.HandleRequestAsync(method, parameters, cancellation.Token);
            answer = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = JsonValue.Create(id), ["result"] = result };
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            answer = Error(id, RpcError.RequestCancelled, "request cancelled");
        }
        catch (RpcError e)
        {
            answer = Error(id, e.Code, e.Message);
        }
        catch (Exception e)
        {
            // A bug or bad stored data in this plugin, not the caller's fault: an internal error that says what happened,
            // rather than no answer at all, which would leave the host waiting until its timeout.
            StderrLog.Error($"{method} failed: {e}");
            answer = Error(id, RpcError.Internal, $"{method} failed: {e.Message}");
        }
        finally
        {
            _served.TryRemove(key, out _);
            cancellation.Dispose();
        }

        await AnswerAsync(answer);
    }

    private void Cancel(JsonElement parameters)
    {
        if (parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("id", out var id) && _served.TryGetValue(id.GetRawText(), out var cancellation))
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The request finished between the lookup and the cancel: nothing left to stop.
            }
        }
    }

    private async Task AnswerAsync(JsonObject answer)
    {
        try
        {
            await _writer.WriteAsync(answer, _closed.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone, and with it whoever would read the answer.
        }
    }

    private static JsonObject Error(JsonElement? id, int code, string message) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id is { } value ? JsonValue.Create(value) : null,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };
}
