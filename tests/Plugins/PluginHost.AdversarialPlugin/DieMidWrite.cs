using System.Diagnostics;
using System.Net.Sockets;

namespace PluginHost.AdversarialPlugin;

/// <summary>
/// The <c>die-mid-write</c> path: the plugin stops reading, answers, and kills itself (SIGKILL) as soon as a large
/// message from the host is stuck half-written in its socket, so the host's write fails with a broken pipe, as it does
/// when a plugin is killed while the host sends it a large request.
/// </summary>
internal static class DieMidWrite
{
    // More than any single small message: only a large request half-written can leave this much unread.
    private const int PendingBytes = 64 * 1024;

    public static PluginHost.BackendResponse? Arm(Socket socket, ReadPausingStream reading)
    {
        reading.Pause();
        _ = Task.Run(async () =>
        {
            while (socket.Available < PendingBytes)
            {
                await Task.Delay(10);
            }

            Stderr.Line($"{socket.Available} bytes of a message are waiting unread; killing myself mid-write, on purpose");
            Process.GetCurrentProcess().Kill();
        });
        return PluginHost.BackendResponse.WithData([new("armed", true)]);
    }
}
