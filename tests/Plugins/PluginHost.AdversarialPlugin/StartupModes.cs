using System.Net.Sockets;
using PluginHost.Protocol;
using StreamJsonRpc;

namespace PluginHost.AdversarialPlugin;

/// <summary>What the plugin does between its start and its hello, chosen by <c>ADVERSARIAL_MODE</c>.</summary>
internal static class StartupModes
{
    public const string Variable = "ADVERSARIAL_MODE";

    /// <summary>Connects, says hello and serves; the misbehaviour is in the requests (see <see cref="AdversarialEndpoint"/>).</summary>
    public const string Normal = "normal";

    /// <summary>Exits with code 4 without connecting.</summary>
    public const string ExitBeforeConnect = "exit-before-connect";

    /// <summary>Connects, then exits with code 5 without saying hello.</summary>
    public const string ExitAfterConnect = "exit-after-connect";

    /// <summary>Never connects, and stays alive.</summary>
    public const string NeverConnect = "never-connect";

    /// <summary>Connects but never says hello, and stays alive.</summary>
    public const string NoHello = "no-hello";

    /// <summary>Connects and writes bytes that are not a framed message, then stays alive ignoring its connection.</summary>
    public const string Garbage = "garbage";

    /// <summary>Connects and says hello with a wrong token, then stays alive ignoring its connection.</summary>
    public const string WrongToken = "wrong-token";

    /// <summary>Floods stderr from a background thread from its start until the <c>stop-flood</c> path, and serves normally.</summary>
    public const string StderrFlood = "stderr-flood";

    /// <summary>Double-forks a setsid grandchild (its pid answers the <c>grandchild</c> path), and serves normally.</summary>
    public const string DetachGrandchild = "detach-grandchild";

    /// <summary>
    /// Ignores the host's shutdown and its closed connection, and leaves a setsid grandchild holding its stdout and
    /// stderr open: a stop must kill it, and must not wait for its output to end.
    /// </summary>
    public const string HoldOutput = "hold-output";

    /// <summary>The grandchild a mode detached, or 0.</summary>
    public static int Grandchild { get; private set; }

    /// <summary>Whether the plugin ignores shutdown requests and its connection closing.</summary>
    public static bool IgnoresShutdown { get; private set; }

    /// <summary>From now on the plugin ignores shutdown requests and its connection closing.</summary>
    public static void IgnoreShutdown() => IgnoresShutdown = true;

    public static async Task<int> RunAsync(string mode, string socketPath, string token)
    {
        switch (mode)
        {
            case DetachGrandchild:
                Grandchild = Containment.DetachGrandchild(holdOutput: false);
                break;
            case HoldOutput:
                Grandchild = Containment.DetachGrandchild(holdOutput: true);
                IgnoresShutdown = true;
                break;
            case ExitBeforeConnect:
                Stderr.Line("exiting before connecting, on purpose");
                return 4;
            case NeverConnect:
                Stderr.Line("never connecting, on purpose");
                return await LingerAsync();
            case StderrFlood:
                AdversarialPlugin.StderrFlood.Start();
                break;
            case Normal or ExitAfterConnect or NoHello or Garbage or WrongToken:
                break;
            default:
                Stderr.Line($"unknown {Variable} '{mode}'");
                return 2;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        switch (mode)
        {
            case ExitAfterConnect:
                Stderr.Line("connected; exiting before the hello, on purpose");
                return 5;
            case NoHello:
                Stderr.Line("connected; never saying hello, on purpose");
                return await LingerAsync();
            case Garbage:
                Stderr.Line("connected; writing garbage instead of a hello, on purpose");
                await socket.SendAsync(Junk.Unframed);
                return await LingerAsync();
            case WrongToken:
                await SayHelloWithAWrongTokenAsync(socket, token);
                return await LingerAsync();
            default:
                return await AdversarialEndpoint.ServeAsync(socket, token);
        }
    }

    private static async Task SayHelloWithAWrongTokenAsync(Socket socket, string token)
    {
        // As long as the real one, so only its bytes differ.
        var wrong = new string('0', Math.Max(token.Length, 1));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var rpc = AdversarialEndpoint.CreateRpc(stream, target: null);
        rpc.StartListening();
        try
        {
            await rpc.InvokeWithParameterObjectAsync<HelloResult>(ProtocolMethods.Hello, new HelloParams { Token = wrong, ProtocolVersions = [1] });
            Stderr.Line("the host accepted a wrong token");
        }
        catch (RemoteInvocationException refused)
        {
            Stderr.Line($"the host refused the wrong token: {refused.ErrorCode} {refused.Message}");
        }
        catch (ConnectionLostException)
        {
            Stderr.Line("the host dropped the connection after the wrong token");
        }
    }

    // A stubborn plugin: it neither exits nor looks at its connection, so only the host killing it ends it.
    private static async Task<int> LingerAsync()
    {
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
