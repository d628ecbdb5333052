using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace PluginHost.Benchmarks.E2e.Measurement;

/// <summary>
/// Collects another .NET process's garbage from outside, the way dotnet-gcdump does: an EventPipe session on its
/// diagnostics port with the GCHeapCollect keyword induces a full blocking GC, whose GCHeapStats event tells the
/// managed heap size after it. Needs the process's diagnostics port (on by default; TMPDIR shared with it).
/// </summary>
internal static class RemoteGc
{
    private const long GcKeyword = 0x1;
    private const long GcHeapCollectKeyword = 0x800000;

    /// <summary>Induces the GC and returns the process's managed heap size after it, in bytes.</summary>
    public static async Task<long> CollectAsync(int pid, CancellationToken cancellationToken) =>
        (await CollectHeapStatsAsync(pid, cancellationToken)).TotalHeapSize;

    /// <summary>
    /// Induces the GC and returns, after it, the managed heap's size (with the free space inside it, which the GC keeps
    /// committed) and the bytes that survived it (what is alive: reachable objects).
    /// </summary>
    public static async Task<(long TotalHeapSize, long Promoted)> CollectHeapStatsAsync(int pid, CancellationToken cancellationToken)
    {
        var client = new DiagnosticsClient(pid);
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcKeyword | GcHeapCollectKeyword);
        using var session = await client.StartEventPipeSessionAsync([provider], requestRundown: false, circularBufferMB: 16, cancellationToken);
        var heapAfterInducedGc = new TaskCompletionSource<(long, long)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var source = new EventPipeEventSource(session.EventStream);
        var inducedGcRunning = false;
        source.Clr.GCStart += e => inducedGcRunning |= e.Reason == GCReason.Induced && e.Depth == 2;
        source.Clr.GCHeapStats += e =>
        {
            if (inducedGcRunning)
            {
                heapAfterInducedGc.TrySetResult((e.TotalHeapSize, e.TotalPromoted));
            }
        };
        var processing = Task.Run(source.Process, CancellationToken.None);
        try
        {
            return await heapAfterInducedGc.Task.WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
        }
        finally
        {
            await session.StopAsync(CancellationToken.None);
            await processing;
        }
    }
}
