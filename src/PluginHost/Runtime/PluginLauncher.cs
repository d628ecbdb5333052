using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Catalog;
using PluginHost.Protocol;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Runtime;

/// <summary>
/// Starts a catalog entry as a child process and connects to it: verified private copy of the binary, a Unix
/// socket in a private directory, a one-time token, a minimal environment, and a handshake within the start timeout.
/// Every failure says what happened.
/// </summary>
internal sealed class PluginLauncher(PluginBinaryCache binaries, IOptionsMonitor<PluginHostOptions> options, ILoggerFactory loggers)
{
    // Waits for one line on stdin, then becomes the plugin (same pid): the host puts the waiting shim into the plugin's
    // cgroup and sets its rlimits before it lets it go on, so no instruction of the plugin runs uncontained.
    private const string Shim = "read -r _ || exit 126; exec \"$0\" \"$@\"";

    // What a framework-dependent .NET plugin needs to find its runtime; nothing else of the host's environment leaks in.
    private static readonly string[] InheritedVariables = ["PATH", "DOTNET_ROOT", "HOME", "TMPDIR"];

    // How long a plugin that closed its connection before its hello gets to report its exit code.
    private static readonly TimeSpan ExitReportWait = TimeSpan.FromSeconds(1);

    // How long a failed launch waits for the process it killed to be reaped (and its output read).
    private static readonly TimeSpan AbandonWait = TimeSpan.FromSeconds(5);

    private const string GcHeapHardLimit = "DOTNET_GCHeapHardLimit";

    public async Task<PluginProcess> LaunchAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;

        // An entry stored before env was checked at registration must not run with LD_PRELOAD and the like either.
        PluginEnvironmentRules.EnsureLaunchable(entry);
        var binary = await binaries.PrepareAsync(entry, cancellationToken).ConfigureAwait(false);

        // A short private path: Unix socket paths are limited to about 100 bytes.
        var socketDirectory = Directory.CreateTempSubdirectory("phs-").FullName;
        var socketPath = Path.Combine(socketDirectory, "s");
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);

        var jail = _containment.Value.Prepare(entry, $"{PluginEnvironment.Socket}={socketPath}");
        Process process;
        try
        {
            process = await StartAsync(entry, binary, socketDirectory, socketPath, token, jail, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing else will: no PluginProcess owns the folder and the jail yet.
            await jail.ReleaseAsync(AbandonWait).ConfigureAwait(false);
            PluginProcess.DeleteDirectory(socketDirectory);
            throw;
        }

        var plugin = new PluginProcess(entry, process, socketDirectory, jail, loggers.CreateLogger("PluginHost.Plugins." + entry.Name));
        string? failure;
        try
        {
            failure = await ConnectAsync(plugin, process, listener, socketPath, token, settings, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbandonAsync(plugin).ConfigureAwait(false);
            throw;
        }

        if (failure is null)
        {
            return plugin;
        }

        await AbandonAsync(plugin).ConfigureAwait(false);
        throw Failed(entry, failure, plugin);
    }

    // Returns null once the plugin said hello, or what went wrong.
    private static async Task<string?> ConnectAsync(
        PluginProcess plugin, Process process, Socket listener, string socketPath, string token, PluginHostOptions settings, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.PluginStartTimeout);
        var within = $"within {settings.PluginStartTimeout.TotalSeconds:0.###}s (PluginHostOptions.PluginStartTimeout)";
        var accept = listener.AcceptAsync(timeout.Token).AsTask();
        try
        {
            if (await Task.WhenAny(accept, plugin.Stopped).ConfigureAwait(false) != accept)
            {
                return $"it exited with code {process.ExitCode} before connecting";
            }

            var connection = await accept.ConfigureAwait(false);
            File.Delete(socketPath);
            var client = PluginClient.Start(
                new NetworkStream(connection, ownsSocket: true),
                token,
                new PluginClientOptions
                {
                    MaxMessageBytes = settings.MaxPluginMessageBytes,
                    MaxConcurrentRequests = settings.MaxConcurrentRequestsPerPlugin,
                    MaxStorageCallsInFlight = settings.MaxStorageCallsInFlightPerPlugin,
                    MaxStorageCallsInFlightPerInstance = settings.MaxStorageCallsInFlightPerInstance,
                    WriteStallTimeout = settings.PluginWriteStallTimeout,
                });
            plugin.Attach(client);
            await client.Hello.WaitAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return accept.IsCompletedSuccessfully ? $"it connected but did not say hello {within}" : $"it did not connect {within}";
        }
        catch (PluginHostException lost) when (lost.Code == ErrorCode.Unavailable && plugin.Client is { DisconnectReason: null })
        {
            // It closed the connection itself, usually because it is exiting: give it a moment, so the reason names its exit code.
            await Task.WhenAny(plugin.Stopped, Task.Delay(ExitReportWait, CancellationToken.None)).ConfigureAwait(false);
            return process.HasExited ? $"it exited with code {process.ExitCode} before saying hello" : lost.Message;
        }
        catch (PluginHostException refused)
        {
            // A wrong token, no common version, or a broken protocol rule (the host dropped the connection).
            return refused.Message;
        }
    }

    // Kills a plugin that failed to start and waits until it is gone, so its last stderr lines are read and no process
    // outlives the failed launch it is reported in.
    private static async Task AbandonAsync(PluginProcess plugin)
    {
        plugin.Kill();
        await Task.WhenAny(plugin.Stopped, Task.Delay(AbandonWait, CancellationToken.None)).ConfigureAwait(false);
        await plugin.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
    }

    private readonly Lazy<PluginContainment> _containment = new(() => new PluginContainment(options, loggers.CreateLogger("PluginHost.Runtime.PluginContainment")));

    private static async Task<Process> StartAsync(
        CatalogEntry entry, string binary, string workingDirectory, string socketPath, string token, PluginJail jail, CancellationToken cancellationToken)
    {
        // On Linux the plugin starts through the shim (see Shim), so it is contained before its first instruction.
        var shimmed = OperatingSystem.IsLinux();
        if (shimmed)
        {
            RequireExecutableFormat(entry, binary);
        }

        var start = new ProcessStartInfo(shimmed ? "/bin/sh" : binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = shimmed,
            WorkingDirectory = workingDirectory,
        };
        if (shimmed)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Shim);
            start.ArgumentList.Add(binary);
        }

        foreach (var argument in entry.Args)
        {
            start.ArgumentList.Add(argument);
        }

        var inherited = InheritedVariables
            .Select(name => (name, value: Environment.GetEnvironmentVariable(name)))
            .Where(v => v.value is not null)
            .ToArray();
        start.Environment.Clear();
        foreach (var (name, value) in inherited)
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in entry.Env)
        {
            start.Environment[name] = value;
        }

        // Set last, so a catalog entry's env cannot override the protocol's own variables.
        start.Environment[PluginEnvironment.MagicCookieKey] = PluginEnvironment.MagicCookieValue;
        start.Environment[PluginEnvironment.Socket] = socketPath;
        start.Environment[PluginEnvironment.Token] = token;
        start.Environment[PluginEnvironment.ProtocolVersions] = "1";
        start.Environment[PluginEnvironment.PluginName] = entry.Name;
        if (jail.MemoryByRlimit && !start.Environment.ContainsKey(GcHeapHardLimit))
        {
            // The .NET GC sizes its heap from physical memory and knows nothing of RLIMIT_DATA: capped below the limit
            // (leaving room for the runtime's own memory), a .NET plugin throws OutOfMemoryException, and says so on its
            // stderr, rather than failing in a native allocation. Other plugins ignore the variable.
            start.Environment[GcHeapHardLimit] = (jail.Limits.MemoryBytes!.Value * 3 / 4).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        }

        try
        {
            var process = await TextFileBusyRetry.RunAsync(() => Process.Start(start), TimeProvider.System, cancellationToken).ConfigureAwait(false)
                ?? throw new PluginHostException(ErrorCode.Unavailable, $"plugin '{entry.Name}' could not be started: {binary}");
            if (shimmed)
            {
                Release(entry, process, jail);
            }

            return process;
        }
        catch (Win32Exception error)
        {
            throw new PluginHostException(
                ErrorCode.Unavailable,
                $"plugin '{entry.Name}' could not be started: '{entry.Command}' is not an executable this system can run ({error.Message}); publish it for this platform and register it again",
                error);
        }
    }

    // The shim waits on its stdin: contain it, then let it exec the plugin (whose stdin is then at its end).
    private static void Release(CatalogEntry entry, Process process, PluginJail jail)
    {
        try
        {
            jail.Enter(process.Id);
            process.StandardInput.WriteLine();
            process.StandardInput.Close();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever failed (a refused cgroup, an rlimit, a missing native entry point), the shim must never go on to run
            // the plugin uncontained: killed here, and it exits on its own (126) if its stdin merely closes.
            process.Kill();
            process.WaitForExit();
            process.Dispose();
            throw new PluginHostException(ErrorCode.Unavailable, $"plugin '{entry.Name}' could not be started: its process could not be contained ({e.Message})", e);
        }
    }

    // sh runs a file that execve refuses as a shell script: refuse what is neither an ELF binary nor a #! script first,
    // as a direct exec would.
    private static void RequireExecutableFormat(CatalogEntry entry, string binary)
    {
        Span<byte> head = stackalloc byte[4];
        int read;
        using (var file = File.OpenRead(binary))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (!(read == 4 && head.SequenceEqual("\u007fELF"u8)) && !(read >= 2 && head[..2].SequenceEqual("#!"u8)))
        {
            throw new PluginHostException(
                ErrorCode.Unavailable,
                $"plugin '{entry.Name}' could not be started: '{entry.Command}' is not an executable this system can run (neither an ELF binary nor a #! script); publish it for this platform and register it again");
        }
    }

    private static PluginHostException Failed(CatalogEntry entry, string what, PluginProcess plugin)
    {
        var tail = plugin.StderrTail();
        return new PluginHostException(
            ErrorCode.Unavailable,
            $"plugin '{entry.Name}' failed to start: {what}{(tail.Length == 0 ? "" : $"; its last stderr lines: {tail}")}");
    }
}
