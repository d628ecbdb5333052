using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Catalog;

using System.Diagnostics.Metrics;
using PluginHost.Telemetry;

namespace PluginHost.Runtime;

/// <summary>
/// Multiplexing: one plugin process per catalog entry (same type, name, version, sha256, command, args and env)
/// serves all of that entry's mounts, each as a backend instance. A process is launched for its first instance,
/// relaunched when a new instance finds it stopped, and stopped when its last instance is cleaned up.
/// </summary>
internal sealed partial class PluginProcessPool(PluginLauncher launcher, IOptionsMonitor<PluginHostOptions> options, ILogger<PluginProcessPool> logger) : IAsyncDisposable, IDisposable
{
    private readonly Dictionary<string, Task<PluginProcess>> _processes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    // Unlisted from _processes but still in their shutdown grace: the shutdown deadline must reach them too.
    private readonly HashSet<PluginProcess> _stopping = [];

    // Set once the host's shutdown deadline passed: a process stopped after that (a launch still in progress then)
    // gets no shutdown grace.
    private volatile bool _deadlinePassed;

    private IDisposable? _queueGauge;

    // The requests each running plugin process has waiting for a request slot.
    private List<Measurement<long>> QueuedRequests()
    {
        lock (_gate)
        {
            return _processes.Values
                .Where(launch => launch.IsCompletedSuccessfully && launch.Result.Client is not null)
                .Select(launch => new Measurement<long>(launch.Result.Client!.QueuedRequests, new KeyValuePair<string, object?>("plugin", launch.Result.Entry.Name)))
                .ToList();
        }
    }

    /// <summary>Returns a new backend instance of <paramref name="entry"/> in its (possibly new) process.</summary>
    public async ValueTask<IBackend> CreateBackendAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        var process = await JoinAsync(entry, cancellationToken).ConfigureAwait(false);
        var remote = process.Client!.CreateBackend(NewInstanceId(), entry.Type, entry.Name);
        var settings = options.CurrentValue;
        return new ProcessBackend(remote, process, this, settings.PluginCancellationGracePeriod, CleanupBound(settings));
    }

    /// <summary>
    /// Returns a new database instance (one connection of the <c>database</c> engine) of <paramref name="entry"/>, a
    /// catalog entry of type <c>database</c>, in its (possibly new) process; call its initialize first.
    /// </summary>
    public async ValueTask<ProcessDatabase> CreateDatabaseAsync(CatalogEntry entry, string connectionName, CancellationToken cancellationToken)
    {
        var process = await JoinAsync(entry, cancellationToken).ConfigureAwait(false);
        var remote = process.Client!.CreateDatabase(NewInstanceId(), entry.Name);
        var settings = options.CurrentValue;
        return new ProcessDatabase(remote, process, this, connectionName, CleanupBound(settings));
    }

    // A backend's cleanup gets the shutdown grace period (at least a second) before the process is stopped regardless.
    private static TimeSpan CleanupBound(PluginHostOptions settings) =>
        settings.PluginShutdownGracePeriod > TimeSpan.FromSeconds(1) ? settings.PluginShutdownGracePeriod : TimeSpan.FromSeconds(1);

    private static string NewInstanceId() => Guid.NewGuid().ToString("N");

    // Counts one more instance into the entry's process, launching it first when there is none (or it stopped).
    private async ValueTask<PluginProcess> JoinAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        var key = Identity(entry);
        while (true)
        {
            Task<PluginProcess> launch;
            lock (_gate)
            {
                var known = _processes.TryGetValue(key, out launch!);
                if (!known || launch.IsFaulted || launch.IsCanceled
                    || (launch.IsCompletedSuccessfully && launch.Result.HasStopped))
                {
                    // The process starts on its own timeout, not on the first caller's token: others may share it.
                    launch = launcher.LaunchAsync(entry, CancellationToken.None);
                    _processes[key] = launch;
                    _queueGauge ??= HostMetrics.ObserveQueues(QueuedRequests);
                    HostMetrics.PluginStarts.Add(1, new KeyValuePair<string, object?>("plugin", entry.Name));
                    if (known)
                    {
                        // The plugin's earlier process ended (a crash, a failed start, a reload): this one replaces it.
                        HostMetrics.PluginRestarts.Add(1, new KeyValuePair<string, object?>("plugin", entry.Name));
                    }
                }
            }

            var process = await launch.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                // Counted in under the lock that Release counts out and unlists under: never join a process being stopped.
                if (process.HasStopped || !_processes.TryGetValue(key, out var listed) || !ReferenceEquals(listed, launch))
                {
                    continue;
                }

                process.AddInstance();
            }

            LogInstanceAdded(entry.Name, process.Pid);
            return process;
        }
    }

    /// <summary>Counts an instance out; the last one out stops the process.</summary>
    public async Task ReleaseAsync(PluginProcess process)
    {
        lock (_gate)
        {
            if (process.RemoveInstance() > 0)
            {
                return;
            }

            var key = Identity(process.Entry);
            if (_processes.TryGetValue(key, out var current) && current.IsCompletedSuccessfully && ReferenceEquals(current.Result, process))
            {
                _processes.Remove(key);
            }

            _stopping.Add(process);
        }

        LogStopping(process.Entry.Name, process.Pid);
        try
        {
            await process.StopAsync(ShutdownGrace).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _stopping.Remove(process);
            }
        }
    }

    /// <summary>
    /// Kills every running plugin process at once, those already in their shutdown grace period included (their process
    /// trees too): the host's shutdown deadline passed.
    /// </summary>
    public void KillAll()
    {
        _deadlinePassed = true;
        List<PluginProcess> running;
        lock (_gate)
        {
            running = [.. _stopping, .. _processes.Values.Where(l => l.IsCompletedSuccessfully).Select(l => l.Result)];
        }

        foreach (var process in running)
        {
            process.Kill();
        }
    }

    /// <summary>Stops every process: shutdown call, grace period, then kill.</summary>
    public async ValueTask DisposeAsync()
    {
        _queueGauge?.Dispose();
        Task<PluginProcess>[] launches;
        lock (_gate)
        {
            launches = _processes.Values.ToArray();
            _processes.Clear();
        }

        await Task.WhenAll(launches.Select(async launch =>
        {
            PluginProcess process;
            try
            {
                process = await launch.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // It never started; its caller got the reason.
                return;
            }

            await process.StopAsync(ShutdownGrace).ConfigureAwait(false);
        })).ConfigureAwait(false);
    }

    private TimeSpan ShutdownGrace => _deadlinePassed ? TimeSpan.Zero : options.CurrentValue.PluginShutdownGracePeriod;

    /// <summary>Stops every process, blocking; for containers disposed synchronously.</summary>
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    private static string Identity(CatalogEntry entry) => string.Join(
        '\0',
        new[]
        {
            entry.Type.ToName(), entry.Name, entry.Version ?? "", entry.Sha256, entry.Command, string.Join('\u0001', entry.Args),
            $"{entry.MemoryLimit}/{entry.MaxProcesses}/{entry.MaxOpenFiles}",
        }
            .Concat(entry.Env.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Plugin {Plugin} (pid {Pid}) serves one more backend instance")]
    private partial void LogInstanceAdded(string plugin, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping plugin {Plugin} (pid {Pid}): its last mount is gone")]
    private partial void LogStopping(string plugin, int pid);
}
