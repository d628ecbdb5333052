using System.ComponentModel;

namespace PluginHost.Runtime;

/// <summary>
/// Starts a process, retrying while exec fails with ETXTBSY ("Text file busy"). The launcher writes each binary into
/// its cache just before running it; if another thread of the application forks meanwhile (any Process.Start), the
/// child holds a copy of the write descriptor until it execs, and exec of the fresh file fails for that moment.
/// Go's os/exec and Docker meet the same race and retry the same way.
/// </summary>
internal static class TextFileBusyRetry
{
    /// <summary>ETXTBSY on Linux and macOS.</summary>
    public const int TextFileBusy = 26;

    /// <summary>How long a busy binary is retried before the failure is reported.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    public static async Task<T> RunAsync<T>(Func<T> start, TimeProvider clock, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + Patience;
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            try
            {
                return start();
            }
            catch (Win32Exception busy) when (busy.NativeErrorCode == TextFileBusy && clock.GetUtcNow() < deadline)
            {
                await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(100).Ticks));
            }
        }
    }
}
