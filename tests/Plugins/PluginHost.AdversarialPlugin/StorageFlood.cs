using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace PluginHost.AdversarialPlugin;

/// <summary>
/// The <c>flood</c> path: the plugin stops reading its connection, then sends <c>storage.get</c> calls as fast as the
/// host takes them, and never reads an answer, as a buggy or hostile plugin might. The request itself is never answered.
/// A host without backpressure buffers every call and answer (gigabytes at 200k calls); a host with it stops reading at
/// its cap, which blocks these writes.
/// </summary>
internal static class StorageFlood
{
    /// <summary>Starts the flood for <paramref name="instanceId"/>: <c>count</c> calls (default 100000) of <c>key</c> (default <c>kv/big</c>).</summary>
    public static async Task<PluginHost.BackendResponse?> RunAsync(
        Socket socket, ReadPausingStream reading, string instanceId, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken)
    {
        var key = Text(data, "key") ?? "kv/big";
        var count = int.Parse(Text(data, "count") ?? "100000", CultureInfo.InvariantCulture);
        reading.Pause();
        Stderr.Log("Warning", $"flooding the host with {count} storage.get calls of '{key}' without reading the answers, on purpose");
        var sent = 0;
        try
        {
            for (; sent < count; sent++)
            {
                var body = JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["jsonrpc"] = "2.0",
                    ["id"] = $"flood-{sent}",
                    ["method"] = "storage.get",
                    ["params"] = new Dictionary<string, string> { ["instance_id"] = instanceId, ["key"] = key },
                });
                var bytes = Encoding.UTF8.GetBytes(body);

                // Straight into the socket: the JSON-RPC layer would wait for answers this plugin never reads.
                await socket.SendAsync(Encoding.ASCII.GetBytes($"Content-Length: {bytes.Length}\r\n\r\n").Concat(bytes).ToArray(), cancellationToken);
            }
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The host dropped the connection: the flood is over.
        }

        Stderr.Log("Warning", $"flood sent {sent} calls");
        await Task.Delay(Timeout.Infinite, CancellationToken.None);
        return null;
    }

    private static string? Text(IReadOnlyDictionary<string, JsonElement>? data, string name) =>
        data is not null && data.TryGetValue(name, out var value) ? value.GetString() : null;
}

/// <summary>A connection whose reads can be stopped for good: once paused, a read never completes.</summary>
internal sealed class ReadPausingStream(Stream inner) : Stream
{
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Stops reading: the read in progress may still complete, no later one does.</summary>
    public void Pause() => _paused.TrySetResult();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_paused.Task.IsCompleted)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return await inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
