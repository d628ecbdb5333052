using System.Diagnostics;
using System.Globalization;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>Sends a POSIX signal to a process, as an operator's <c>kill -SIGNAL pid</c> does.</summary>
internal static class Signals
{
    /// <summary>Sends <paramref name="signal"/> (a name such as <c>KILL</c>, <c>STOP</c>, <c>CONT</c>) and waits for <c>kill</c> to finish.</summary>
    public static void Send(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
