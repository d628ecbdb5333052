using System.Net.Sockets;
using PluginHost.Benchmarks.E2e.Measurement;

namespace PluginHost.Benchmarks.E2e.Floors;

/// <summary>
/// Floors <c>raw_uds_rtt_us_p50</c> and <c>raw_uds_blocking_rtt_us_p50</c>: one framed message of the size of a
/// JSON-RPC request sent over a Unix socket pair and echoed back by a loop in this same process. The first uses async
/// socket calls as StreamJsonRpc does (completions hop through the epoll thread to the thread pool); the second a
/// blocking thread per end, which leaves only the kernel's and the scheduler's share.
/// </summary>
internal static class RawUdsPingPong
{
    // The size and shape of a storage.get request on the wire.
    private const string Body =
        """{"jsonrpc":"2.0","id":1,"method":"storage.get","params":{"instance_id":"0123456789abcdef0123456789abcdef","key":"kv/foo"}}""";

    public static async Task<LatencyResult> MeasureAsync(LatencySampler sampler, CancellationToken cancellationToken)
    {
        using var pair = await UnixSocketPair.CreateAsync(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var echo = Task.Run(() => EchoAsync(new FramedSocket(pair.PluginEnd), stop.Token), CancellationToken.None);
        var client = new FramedSocket(pair.HostEnd);
        var message = FramedSocket.Frame(Body);
        try
        {
            return await sampler.MeasureAsync(
                async ct =>
                {
                    await client.SendAsync(message, ct);
                    Check((await client.ReadMessageAsync(ct)).Length, message);
                },
                batchSize: 1,
                cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await echo;
            }
            catch (OperationCanceledException)
            {
                // Stopped as asked.
            }
        }
    }

    public static async Task<LatencyResult> MeasureBlockingAsync(LatencySampler sampler, CancellationToken cancellationToken)
    {
        var pair = await UnixSocketPair.CreateAsync(cancellationToken);
        var echo = new Thread(() => EchoBlocking(new FramedSocket(pair.PluginEnd))) { IsBackground = true, Name = "raw-uds-echo" };
        echo.Start();
        var client = new FramedSocket(pair.HostEnd);
        var message = FramedSocket.Frame(Body);
        try
        {
            // The calls complete synchronously: this measures blocking send and receive on the sampler's thread.
            return await sampler.MeasureAsync(
                _ =>
                {
                    client.Send(message);
                    Check(client.ReadMessage().Length, message);
                    return ValueTask.CompletedTask;
                },
                batchSize: 1,
                cancellationToken);
        }
        finally
        {
            pair.Dispose();
            echo.Join();
        }
    }

    private static void Check(int length, byte[] message)
    {
        if (length != message.Length)
        {
            throw new InvalidOperationException("the echo differs from the message");
        }
    }

    private static async Task EchoAsync(FramedSocket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await socket.ReadMessageAsync(cancellationToken);
            await socket.SendAsync(message, cancellationToken);
        }
    }

    private static void EchoBlocking(FramedSocket socket)
    {
        try
        {
            while (true)
            {
                socket.Send(socket.ReadMessage().Span);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or EndOfStreamException)
        {
            // The pair was closed: the measurement is over.
        }
    }
}
