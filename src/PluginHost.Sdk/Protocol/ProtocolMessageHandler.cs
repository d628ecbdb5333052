using System.Globalization;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;
using StreamJsonRpc.Reflection;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// The protocol's framing (<see cref="FrameGuardStream"/> underneath) and, on the host's end, flow control of the
/// plugin's requests: a request is counted from the moment it is read until its answer is written; at
/// <see cref="StorageCallLimits.MaxInFlight"/> no further message is read (backpressure: the plugin's writes wait,
/// and nothing piles up in the host); a request naming an instance with <see cref="StorageCallLimits.MaxInFlightPerInstance"/>
/// in flight (read, and not yet answered) is refused at once; and a write that cannot complete for <see cref="StorageCallLimits.WriteStallTimeout"/>
/// (the plugin stopped reading) fails the connection with a <see cref="ProtocolLimitException"/> saying so.
/// </summary>
internal sealed class ProtocolMessageHandler : HeaderDelimitedMessageHandler
{
    private readonly StorageCallLimits? _limits;
    private readonly SemaphoreSlim? _slots;
    private readonly Lock _gate = new();
    private readonly Dictionary<RequestId, List<string>> _unanswered = [];
    private readonly Dictionary<string, int> _perInstance = new(StringComparer.Ordinal);
    private readonly List<RequestId> _answersBeingWritten = [];
    private readonly CancellationTokenSource _broken = new();
    private ProtocolLimitException? _violation;

    public ProtocolMessageHandler(Stream duplex, long maxMessageBytes, IJsonRpcMessageFormatter formatter, StorageCallLimits? limits)
        : base(new FrameGuardStream(duplex, maxMessageBytes), formatter)
    {
        _limits = limits;
        _slots = limits is null ? null : new SemaphoreSlim(limits.MaxInFlight, limits.MaxInFlight);
    }

    /// <summary>Requests from the peer read and not yet answered, at this moment.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _unanswered.Values.Sum(instances => instances.Count);
            }
        }
    }

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        if (_slots is null)
        {
            return await base.ReadCoreAsync(cancellationToken).ConfigureAwait(false);
        }

        using var read = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _broken.Token);
        try
        {
            while (true)
            {
                ThrowIfBroken();

                // Backpressure: a free slot before each read, so at the cap nothing more is read from the plugin.
                await _slots.WaitAsync(read.Token).ConfigureAwait(false);
                var kept = false;
                try
                {
                    var message = await base.ReadCoreAsync(read.Token).ConfigureAwait(false);
                    if (message is not JsonRpcRequest { IsResponseExpected: true } request)
                    {
                        return message;
                    }

                    var instance = InstanceOf(request);
                    if (Admit(request.RequestId, instance))
                    {
                        kept = true;
                        return request;
                    }

                    // Refused rather than queued: its answer is written here, and the next message read. StreamJsonRpc
                    // never sees it, so its buffer is released here (the pipe is not advanced past a message before).
                    ((IJsonRpcMessageBufferManager)this).DeserializationComplete(request);
                    await WriteAsync(TooMany(request, instance!), read.Token).ConfigureAwait(false);
                }
                finally
                {
                    if (!kept)
                    {
                        _slots.Release();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_violation is not null)
        {
            throw _violation;
        }
    }

    protected override void Write(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        base.Write(content, cancellationToken);
        // A refusal answers a request that was never counted: it must not release the slot of another with the same id.
        if (_slots is not null && content is IJsonRpcMessageWithId { RequestId: var id } and (JsonRpcResult or JsonRpcError) and not Refusal)
        {
            // Writes are one at a time (StreamJsonRpc's sending semaphore): this answer is the one the next flush sends.
            lock (_gate)
            {
                _answersBeingWritten.Add(id);

                // Counted out of its instance now, before a byte of it can leave: the flush hands it to a pipe whose
                // reader may send it, and the plugin (the SDK does, at its cap) send its next call of that instance,
                // before the flush's continuation runs on a busy host — which then refused a well-behaved plugin.
                // (A plugin reusing a request id may get two answers for one entry: a count never goes below zero.)
                if (_unanswered.TryGetValue(id, out var instances) && instances[^1] is { Length: > 0 } instance
                    && _perInstance.TryGetValue(instance, out var count))
                {
                    if (count <= 1)
                    {
                        _perInstance.Remove(instance);
                    }
                    else
                    {
                        _perInstance[instance] = count - 1;
                    }
                }
            }
        }
    }

    protected override async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var flush = base.FlushAsync(cancellationToken);
        if (_limits is not null && !flush.IsCompleted && _limits.WriteStallTimeout != Timeout.InfiniteTimeSpan)
        {
            var flushing = flush.AsTask();
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watch = Task.Delay(_limits.WriteStallTimeout, stall.Token);
            if (await Task.WhenAny(flushing, watch).ConfigureAwait(false) == watch && !flushing.IsCompleted)
            {
                Break(new ProtocolLimitException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"the plugin stopped reading its connection: a message to it stayed unwritten for {_limits.WriteStallTimeout.TotalSeconds:0.###}s with {InFlight} of its requests in flight, so the connection is dropped")));
            }

            await stall.CancelAsync().ConfigureAwait(false);
            await flushing.ConfigureAwait(false);
        }
        else
        {
            await flush.ConfigureAwait(false);
        }

        AnswersWritten();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _broken.Cancel();
            _broken.Dispose();
        }

        base.Dispose(disposing);
    }

    private static string? InstanceOf(JsonRpcRequest request)
    {
        try
        {
            return request.TryGetArgumentByNameOrIndex("instance_id", -1, typeof(string), out var value) ? value as string : null;
        }
        catch (Exception error) when (error is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException or RpcArgumentDeserializationException)
        {
            // Not a string: the call itself is refused when it is served.
            return null;
        }
    }

    private Refusal TooMany(JsonRpcRequest request, string instance) => new()
    {
        RequestId = request.RequestId,
        Error = new JsonRpcError.ErrorDetail
        {
            Code = (JsonRpcErrorCode)(int)ErrorCode.Unavailable,
            Message = string.Create(
                CultureInfo.InvariantCulture,
                $"too many storage calls in flight for backend instance '{instance}': the limit is {_limits!.MaxInFlightPerInstance} at once; wait for answers before sending more"),
        },
    };

    private bool Admit(RequestId id, string? instance)
    {
        lock (_gate)
        {
            if (instance is not null && _perInstance.GetValueOrDefault(instance) >= _limits!.MaxInFlightPerInstance)
            {
                return false;
            }

            if (!_unanswered.TryGetValue(id, out var instances))
            {
                _unanswered[id] = instances = new List<string>(1);
            }

            instances.Add(instance ?? "");
            if (instance is not null)
            {
                _perInstance[instance] = _perInstance.GetValueOrDefault(instance) + 1;
            }

            return true;
        }
    }

    private void AnswersWritten()
    {
        var released = 0;
        lock (_gate)
        {
            foreach (var id in _answersBeingWritten)
            {
                if (!_unanswered.TryGetValue(id, out var instances))
                {
                    // An answer to a request no longer counted (its id was reused while it was in flight).
                    continue;
                }

                // Its instance counted it out when it was written (Write); its slot is free once it is flushed.
                instances.RemoveAt(instances.Count - 1);
                if (instances.Count == 0)
                {
                    _unanswered.Remove(id);
                }

                released++;
            }

            _answersBeingWritten.Clear();
        }

        if (released > 0)
        {
            _slots!.Release(released);
        }
    }

    private void Break(ProtocolLimitException violation)
    {
        Interlocked.CompareExchange(ref _violation, violation, null);
        try
        {
            _broken.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: the connection is closing anyway.
        }
    }

    private void ThrowIfBroken()
    {
        if (_violation is { } violation)
        {
            throw violation;
        }
    }

    /// <summary>The answer to a request refused at once, told apart from the answers of counted requests.</summary>
    private sealed class Refusal : JsonRpcError;
}
