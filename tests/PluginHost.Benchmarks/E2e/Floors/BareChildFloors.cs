using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using PluginHost.Benchmarks.BareChild;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using StreamJsonRpc;

namespace PluginHost.Benchmarks.E2e.Floors;

/// <summary>
/// The child-process floors, measured with <c>tests/Plugins/PluginHost.Benchmarks.BareChild</c> (<c>bare-jsonrpc-child</c>):
/// a bare StreamJsonRpc server with the plugin protocol's handler and formatter, published single-file ReadyToRun
/// like the sample plugins. The harness listens on a Unix socket, starts the child with its path, and the child
/// connects (as a plugin connects to its host).
/// </summary>
internal sealed class BareChildFloors : IDisposable
{
    public const string Name = "bare-jsonrpc-child";

    private static readonly ChildParams Parameters = new() { InstanceId = "0123456789abcdef0123456789abcdef", Key = "kv/foo" };

    private readonly string _binary;
    private readonly DirectoryInfo _sockets = Directory.CreateTempSubdirectory("phb-child-");
    private int _next;

    private BareChildFloors(string binary) => _binary = binary;

    public static async Task<BareChildFloors> PrepareAsync(Workspace workspace, CancellationToken cancellationToken) =>
        new(await MockPluginBinary.PublishAsync(
            Path.Combine("tests", "Plugins", "PluginHost.Benchmarks.BareChild"), Name, Path.Combine(workspace.Root, "bare-child"), [], cancellationToken));

    /// <summary><c>process_start_ms_p50</c>: <c>bare-jsonrpc-child --hello</c> from start to exit; <paramref name="runs"/> after 1 untimed.</summary>
    public async Task<double> ProcessStartMsAsync(int runs, CancellationToken cancellationToken)
    {
        var times = new List<double>(runs);
        for (var run = 0; run <= runs; run++)
        {
            var start = new ProcessStartInfo(_binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("--hello");
            var began = Stopwatch.GetTimestamp();
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {_binary}");
            var stdout = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            if (process.ExitCode != 0 || stdout.Trim() != "hello")
            {
                throw new InvalidOperationException($"{_binary} --hello exited with {process.ExitCode}: {stdout}");
            }

            if (run > 0)
            {
                times.Add(elapsed);
            }
        }

        return Stats.Median(times);
    }

    /// <summary>
    /// <c>jsonrpc_child_first_rpc_ms_p50</c>: from starting a fresh child to its first answer (start, runtime start,
    /// connect, accept, one <c>storage.get</c>); <paramref name="runs"/> children after 1 untimed, one at a time.
    /// </summary>
    public async Task<(double P50Ms, IReadOnlyList<double> Samples)> FirstAnswerMsAsync(int runs, CancellationToken cancellationToken)
    {
        var times = new List<double>(runs);
        for (var run = 0; run <= runs; run++)
        {
            var began = Stopwatch.GetTimestamp();
            await using var child = await StartAsync(cancellationToken);
            await child.ExpectGetAsync(cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            if (run > 0)
            {
                times.Add(elapsed);
            }
        }

        return (Stats.Median(times), times);
    }

    /// <summary>
    /// <c>jsonrpc_child_idle_rss_mib</c>: VmRSS of one child that answered a few calls (direct and with a callback),
    /// after the budget's idle time; the median of five readings half a second apart.
    /// </summary>
    public async Task<double> IdleRssMibAsync(Budget budget, CancellationToken cancellationToken)
    {
        await using var child = await StartAsync(cancellationToken);
        await child.ExpectGetAsync(cancellationToken);
        await child.ReadWithCallbackAsync(cancellationToken);
        await Task.Delay(budget.Idle, cancellationToken);
        return await ProcessMemory.MedianVmRssKibAsync(child.Pid, samples: 5, TimeSpan.FromMilliseconds(500), cancellationToken) / 1024;
    }

    /// <summary>
    /// <c>jsonrpc_uds_callback_rtt_us_p50</c> and <c>jsonrpc_uds_callback_rps_c16</c>: the harness calls <c>kv.read</c>
    /// on a child, which answers with what it gets from calling <c>host.get</c> back on the harness over the same
    /// connection: two nested round trips across a process boundary, the floor of an external kv read. One child for
    /// both, warmed up by the budget's new-process warm-up first (both ends tier up).
    /// </summary>
    public async Task<(LatencyResult Sequential, double RpsC16, IReadOnlyList<double> Windows)> CallbackAsync(
        Budget budget, Action<string> progress, CancellationToken cancellationToken)
    {
        await using var child = await StartAsync(cancellationToken);
        Func<CancellationToken, ValueTask> read = async ct => await child.ReadWithCallbackAsync(ct);
        progress($"  {budget.NewProcessWarmup.TotalSeconds:0} s warm-up of the new child process");
        var end = Stopwatch.GetTimestamp() + (long)(budget.NewProcessWarmup.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            await read(cancellationToken);
        }

        var sequential = await new LatencySampler(budget).MeasureAsync(read, batchSize: 1, cancellationToken);
        var (rps, windows) = await new ThroughputSampler(budget).MeasureAsync(16, read, cancellationToken);
        return (sequential, rps, windows);
    }

    public void Dispose() => _sockets.Delete(recursive: true);

    private async Task<Child> StartAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(_sockets.FullName, $"{_next++}");
        var endpoint = new UnixDomainSocketEndPoint(path);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(endpoint);
        listener.Listen(1);
        var start = new ProcessStartInfo(_binary) { UseShellExecute = false };
        start.ArgumentList.Add(path);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {_binary}");
        try
        {
            using var acceptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            acceptTimeout.CancelAfter(TimeSpan.FromSeconds(10));
            var socket = await listener.AcceptAsync(acceptTimeout.Token);
            File.Delete(path);
            return new Child(process, socket);
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    private sealed class Child : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Socket _socket;
        private readonly JsonRpc _rpc;

        public Child(Process process, Socket socket)
        {
            _process = process;
            _socket = socket;

            // Keep in step with src/PluginHost.Sdk/Protocol/ProtocolChannel.cs (as JsonRpcUdsPing).
            var formatter = new SystemTextJsonFormatter
            {
                JsonSerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.General)
                {
                    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
                },
            };
            _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(new NetworkStream(socket, ownsSocket: false), formatter));
            _rpc.AddLocalRpcTarget(new HostTarget(), new JsonRpcTargetOptions { AllowNonPublicInvocation = false });
            _rpc.StartListening();
        }

        public int Pid => _process.Id;

        public async Task ExpectGetAsync(CancellationToken cancellationToken)
        {
            var answer = await _rpc.InvokeWithParameterObjectAsync<ChildResult>("storage.get", Parameters, cancellationToken);
            if (answer.Value != "bar")
            {
                throw new InvalidOperationException("wrong answer from the bare child");
            }
        }

        public async Task ReadWithCallbackAsync(CancellationToken cancellationToken)
        {
            var answer = await _rpc.InvokeWithParameterObjectAsync<ChildResult>("kv.read", Parameters, cancellationToken);
            if (answer.Value != "bar")
            {
                throw new InvalidOperationException("wrong kv.read answer from the bare child");
            }
        }

        // Hanging up makes the child exit; it is killed (our own child, by its pid) if it does not within 5 s.
        public async ValueTask DisposeAsync()
        {
            _rpc.Dispose();
            _socket.Dispose();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync(CancellationToken.None);
            }

            _process.Dispose();
        }
    }
}

/// <summary>The harness's end of the callback floor (public: the protocol's targets allow no non-public invocation).</summary>
public sealed class HostTarget
{
    [JsonRpcMethod("host.get", UseSingleObjectParameterDeserialization = true)]
    public Task<ChildResult> GetAsync(ChildParams parameters, CancellationToken cancellationToken) =>
        Task.FromResult(new ChildResult { Value = parameters?.Key is null ? "" : "bar" });
}
