using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PluginHost.Catalog;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Runtime;

/// <summary>
/// One running plugin process and its connection: forwards its stdout and stderr lines to the logger, remembers the
/// last stderr lines for error messages, counts the backend instances it serves, and stops it gracefully or kills it.
/// </summary>
internal sealed partial class PluginProcess
{
    private const int KeptStderrLines = 20;
    private const int KeptStderrLineLength = 1000;
    private static readonly TimeSpan OutputDrainWait = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ExitAfterDisconnect = TimeSpan.FromSeconds(2);

    // How long each step of a stop may take once the grace period is over (closing the connection, reaping the killed
    // process, killing the rest of its tree): a stop ends within the grace period plus a few of these, whatever the
    // plugin does.
    private static readonly TimeSpan StepBound = TimeSpan.FromSeconds(2);
    private readonly PluginJail _jail;
    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly string _socketDirectory;
    private readonly Queue<string> _stderrTail = new();
    private readonly ConcurrentDictionary<object, string> _mountPaths = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _instances;
    private volatile string? _exitCode;
    private readonly Lock _stopGate = new();
    private Task? _stop;
    private readonly Task _outputRead;

    public PluginProcess(CatalogEntry entry, Process process, string socketDirectory, PluginJail jail, ILogger logger)
    {
        Entry = entry;
        _jail = jail;
        _process = process;
        _socketDirectory = socketDirectory;
        _logger = logger;
        Pid = process.Id;
        _process.EnableRaisingEvents = true;

        // Read with a cap on line length rather than with BeginErrorReadLine, which buffers a line until its break.
        _outputRead = Task.WhenAll(
            PluginOutputReader.ReadLinesAsync(_process.StandardOutput, line => Forward(line, isError: false)),
            PluginOutputReader.ReadLinesAsync(_process.StandardError, line => Forward(line, isError: true)));
        _process.Exited += (_, _) => _ = ReportStopAfterOutputAsync();
        if (_process.HasExited)
        {
            _ = ReportStopAfterOutputAsync();
        }
    }

    public CatalogEntry Entry { get; }

    public int Pid { get; }

    /// <summary>The host's end of the connection, once the plugin has connected.</summary>
    public PluginClient? Client { get; private set; }

    /// <summary>Completes when the process exits or its connection closes.</summary>
    public Task Stopped => _stopped.Task;

    public bool HasStopped => _stopped.Task.IsCompleted;

    public void Attach(PluginClient client)
    {
        Client = client;
        _ = OnConnectionClosedAsync(client);
    }

    // A closed connection usually means the process is exiting: wait a moment for its exit code, so the reason
    // users see names it. A process that keeps running without its connection is of no use: kill it.
    private async Task OnConnectionClosedAsync(PluginClient client)
    {
        try
        {
            await client.Completion.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // How the connection ended does not matter here; that it ended does.
        }

        if (client.DisconnectReason is { } broken)
        {
            LogProtocolBroken(_logger, Entry.Name, Pid, broken);
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(ExitAfterDisconnect).ConfigureAwait(false);
            RecordExit();
        }
        catch (TimeoutException)
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Already stopped and disposed by StopAsync.
        }

        await ReportStopAfterOutputAsync().ConfigureAwait(false);
    }

    // A plugin's last lines usually say why it stopped: read them before reporting the stop. Briefly, though: a child
    // process it left behind may hold the pipes open.
    private async Task ReportStopAfterOutputAsync()
    {
        if (HasExited())
        {
            // Whatever the plugin started dies with it (and stops holding its stdout and stderr open).
            await _jail.ReleaseAsync(StepBound).ConfigureAwait(false);
            DeleteSocketDirectory();
        }

        await DrainOutputAsync().ConfigureAwait(false);
        RecordExit();
        _stopped.TrySetResult();
    }

    private bool HasExited()
    {
        try
        {
            return _process.HasExited;
        }
        catch (InvalidOperationException)
        {
            // Disposed by StopAsync, which saw it exit.
            return true;
        }
    }

    private async Task DrainOutputAsync()
    {
        try
        {
            await _outputRead.WaitAsync(OutputDrainWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reported without the lines still to come.
        }
    }

    public int AddInstance() => Interlocked.Increment(ref _instances);

    public int RemoveInstance() => Interlocked.Decrement(ref _instances);

    /// <summary>Records the mount a backend instance serves, for the scope of the plugin's log lines.</summary>
    public void NameMount(object instance, string mountPath) => _mountPaths[instance] = mountPath;

    /// <summary>Forgets the mount of a backend instance that was cleaned up.</summary>
    public void ForgetMount(object instance) => _mountPaths.TryRemove(instance, out _);

    /// <summary>Why the process is gone: its exit code and last stderr lines, or a closed connection.</summary>
    public string DescribeStop()
    {
        var name = $"plugin '{Entry.Name}' (pid {Pid})";
        var what = _exitCode is { } code ? $"{name} exited with code {code}" : $"{name} closed its connection";
        if (Client?.DisconnectReason is { Length: > 0 } reason)
        {
            what += $" ({reason})";
        }

        var tail = StderrTail();
        var exitCode = int.TryParse(_exitCode, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : (int?)null;
        if (_exitCode is not null && _jail.DescribeLimitBreach(exitCode, tail) is { } breach)
        {
            what = $"{breach}; {what}";
        }

        return tail.Length == 0 ? what : $"{what}; its last stderr lines: {tail}";
    }

    /// <summary>The last stderr lines, joined with " | ".</summary>
    public string StderrTail()
    {
        lock (_stderrTail)
        {
            return string.Join(" | ", _stderrTail);
        }
    }

    /// <summary>Asks the plugin to shut down, waits up to <paramref name="grace"/>, then kills its process tree. Idempotent.</summary>
    public Task StopAsync(TimeSpan grace)
    {
        lock (_stopGate)
        {
            return _stop ??= StopOnceAsync(grace);
        }
    }

    private async Task StopOnceAsync(TimeSpan grace)
    {
        await Task.Yield();
        try
        {
            var graceEnds = Stopwatch.StartNew();
            if (Client is { } client)
            {
                // A notification, yet its write blocks when a plugin that never reads let the socket's buffer fill up.
                await BoundedAsync(client.ShutdownAsync(), grace).ConfigureAwait(false);
            }

            var left = grace - graceEnds.Elapsed;
            if (!await BoundedAsync(_process.WaitForExitAsync(), left > TimeSpan.Zero ? left : TimeSpan.Zero).ConfigureAwait(false))
            {
                LogKilled(_logger, Entry.Name, Pid, grace.TotalSeconds);
                Kill();
            }

            if (Client is { } connected)
            {
                await BoundedAsync(Task.Run(async () => await connected.DisposeAsync().ConfigureAwait(false)), StepBound).ConfigureAwait(false);
            }

            if (!await BoundedAsync(_process.WaitForExitAsync(), StepBound).ConfigureAwait(false))
            {
                LogNotReaped(_logger, Entry.Name, Pid, StepBound.TotalSeconds);
            }

            // Before draining the output: a descendant left alive would hold the pipes open.
            await _jail.ReleaseAsync(StepBound).ConfigureAwait(false);
            await DrainOutputAsync().ConfigureAwait(false);
            RecordExit();
        }
        finally
        {
            _process.Dispose();
            DeleteSocketDirectory();
        }
    }

    // Whether the task completed within the bound (its failure counts as completed: the step is over either way).
    private static async Task<bool> BoundedAsync(Task task, TimeSpan bound)
    {
        try
        {
            await task.WaitAsync(bound).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return true;
        }
    }

    // Kept apart from the Process object, which StopAsync disposes while others may still describe the stop.
    private void RecordExit()
    {
        try
        {
            if (_process.HasExited)
            {
                _exitCode ??= _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (InvalidOperationException)
        {
            // Disposed meanwhile: the code was recorded before that.
        }
    }

    /// <summary>Kills a plugin that went on with a cancelled request past the grace period.</summary>
    public void KillForIgnoredCancellation(TimeSpan grace)
    {
        LogIgnoredCancellation(_logger, Entry.Name, Pid, grace.TotalSeconds);
        Kill();
    }

    /// <summary>Kills the plugin and every process it started, at once (start failures, ignored cancellations, stops past the grace period).</summary>
    public void Kill()
    {
        if (OperatingSystem.IsLinux())
        {
            // Its cgroup, or its tree and the descendants carrying its marker: Kill(entireProcessTree) follows parent
            // links only, and a double-forked setsid grandchild has none left to follow.
            _jail.KillAll();
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void DeleteSocketDirectory() => DeleteDirectory(_socketDirectory);

    /// <summary>Removes a launch's private socket folder, if it is still there.</summary>
    public static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Removed already (the process's exit and its stop both try).
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the directory is private and empty once the socket file is gone.
        }
    }

    private void Forward(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        if (isError)
        {
            lock (_stderrTail)
            {
                // Error messages quote the tail: keep each line short there (the log gets it up to the reader's cap).
                _stderrTail.Enqueue(line.Length <= KeptStderrLineLength ? line : string.Concat(line.AsSpan(0, KeptStderrLineLength), "…"));
                while (_stderrTail.Count > KeptStderrLines)
                {
                    _stderrTail.Dequeue();
                }
            }
        }

        var (level, message, mountPath, trace) = Parse(line, isError);
        var scope = Scope(mountPath);
        if (trace is var (traceId, spanId))
        {
            // The plugin wrote the line inside a traced request: the host's line keeps the trace, to find it by.
            scope["trace_id"] = traceId;
            scope["span_id"] = spanId;
        }

        using (_logger.BeginScope(scope))
        {
            LogPluginLine(_logger, level, message);
        }
    }

    // A line the SDK wrote for one backend instance names its mount; any other line is about the process, which
    // may serve several mounts: then the scope lists them all.
    private Dictionary<string, object> Scope(string? mountPath)
    {
        var scope = new Dictionary<string, object>(3) { ["PluginName"] = Entry.Name, ["Pid"] = Pid };
        if (mountPath is null)
        {
            var mounts = _mountPaths.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            if (mounts.Length == 1)
            {
                mountPath = mounts[0];
            }
            else if (mounts.Length > 1)
            {
                scope["MountPaths"] = string.Join(", ", mounts);
            }
        }

        if (mountPath is not null)
        {
            scope["MountPath"] = mountPath;
        }

        return scope;
    }

    // The SDK writes {"@l":"Warning","msg":"…","mount_path":"…","trace_id":"…","span_id":"…"}; "level"/"message" are
    // accepted too; anything else is a plain line.
    private static (LogLevel Level, string Message, string? MountPath, (string TraceId, string SpanId)? Trace) Parse(string line, bool isError)
    {
        var plain = (isError ? LogLevel.Information : LogLevel.Debug, line, (string?)null, ((string, string)?)null);
        if (!line.StartsWith('{'))
        {
            return plain;
        }

        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var message = Text(root, "msg") ?? Text(root, "message") ?? Text(root, "@m") ?? line;
            var level = (Text(root, "@l") ?? Text(root, "level"))?.ToUpperInvariant() switch
            {
                "TRACE" or "VERBOSE" => LogLevel.Trace,
                "DEBUG" => LogLevel.Debug,
                "WARN" or "WARNING" => LogLevel.Warning,
                "ERROR" => LogLevel.Error,
                "CRITICAL" or "FATAL" => LogLevel.Critical,
                _ => LogLevel.Information,
            };
            return (level, message, Text(root, "mount_path"), TraceOf(root));
        }
        catch (JsonException)
        {
            return plain;
        }
    }

    // Only well-formed W3C ids are kept: the line comes from an untrusted process and ends up in the host's log.
    private static (string, string)? TraceOf(JsonElement root) =>
        Text(root, "trace_id") is { Length: 32 } traceId && Text(root, "span_id") is { Length: 16 } spanId
        && traceId.All(char.IsAsciiHexDigitLower) && spanId.All(char.IsAsciiHexDigitLower)
            ? (traceId, spanId)
            : null;

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(Message = "{PluginMessage}")]
    private static partial void LogPluginLine(ILogger logger, LogLevel level, string pluginMessage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {Plugin} (pid {Pid}) ignored a cancelled request for {GraceSeconds}s; killed its process tree")]
    private static partial void LogIgnoredCancellation(ILogger logger, string plugin, int pid, double graceSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {Plugin} (pid {Pid}) broke the protocol: {Reason}; it is stopped")]
    private static partial void LogProtocolBroken(ILogger logger, string plugin, int pid, string reason);

    /// <summary>Logs that a backend instance's cleanup went unanswered (the plugin is stopped next anyway).</summary>
    public void LogCleanupUnanswered(TimeSpan waited) => LogCleanupTimedOut(_logger, Entry.Name, Pid, waited.TotalSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {Plugin} (pid {Pid}) did not answer a backend instance's cleanup within {Seconds}s; going on without it")]
    private static partial void LogCleanupTimedOut(ILogger logger, string plugin, int pid, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Plugin {Plugin} (pid {Pid}) was not gone {Seconds}s after it was killed; stopping without it")]
    private static partial void LogNotReaped(ILogger logger, string plugin, int pid, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {Plugin} (pid {Pid}) did not exit within {GraceSeconds}s of shutdown; killed its process tree")]
    private static partial void LogKilled(ILogger logger, string plugin, int pid, double graceSeconds);
}
