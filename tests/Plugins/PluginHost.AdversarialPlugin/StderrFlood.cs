using System.Text;

namespace PluginHost.AdversarialPlugin;

/// <summary>
/// Writes stderr as fast as the host reads it: 1 MiB lines without a break in between, then 100 short JSON log
/// lines, over and over, at least <see cref="MinimumBytes"/> and until the <c>stop-flood</c> path asks it to stop.
/// </summary>
internal static class StderrFlood
{
    /// <summary>Tens of MB, whatever the test does meanwhile.</summary>
    public const long MinimumBytes = 32L * 1024 * 1024;

    private const int LongLineBytes = 1024 * 1024;
    private static readonly TaskCompletionSource StopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static Task<long>? s_flood;

    public static void Start() => s_flood = Task.Factory.StartNew(Flood, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Asks the flood to stop and returns how many bytes it wrote (0 when there was none).</summary>
    public static async Task<long> StopAsync()
    {
        StopRequested.TrySetResult();
        return s_flood is null ? 0 : await s_flood;
    }

    private static long Flood()
    {
        using var stderr = Console.OpenStandardError();
        var longLine = new byte[LongLineBytes];
        Array.Fill(longLine, (byte)'x');
        var shortLines = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => $"{{\"@l\":\"Warning\",\"msg\":\"flood line {i}\"}}\n")));
        long written = 0;
        for (var line = 0; written < MinimumBytes || !StopRequested.Task.IsCompleted; line++)
        {
            var start = Encoding.ASCII.GetBytes($"long line {line}: ");
            stderr.Write(start);
            stderr.Write(longLine);
            stderr.Write("\n"u8);
            stderr.Write(shortLines);
            written += start.Length + longLine.Length + 1 + shortLines.Length;
        }

        var end = Encoding.ASCII.GetBytes($"stderr flood finished after {written} bytes\n");
        stderr.Write(end);
        stderr.Flush();
        return written + end.Length;
    }
}
