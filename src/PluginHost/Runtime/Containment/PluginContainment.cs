using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Catalog;

namespace PluginHost.Runtime;

/// <summary>
/// Decides, once per host, how plugins are contained: a cgroup v2 per plugin launch when the host can create child
/// cgroups under its own (and <see cref="PluginHostOptions.UseCgroups"/> allows it), else process trees and environment
/// markers. It also marks inherited descriptors close-on-exec and sweeps what a SIGKILLed host left behind.
/// </summary>
internal sealed partial class PluginContainment
{
    private readonly IOptionsMonitor<PluginHostOptions> _options;
    private readonly ILogger _logger;
    private readonly Lazy<CgroupV2?> _cgroups;
    private readonly Lazy<PluginRunRecord?> _record;

    // Process-wide: several hosts in one process (tests, an application with two) must never share a cgroup name.
    private static int s_sequence;

    public PluginContainment(IOptionsMonitor<PluginHostOptions> options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _cgroups = new Lazy<CgroupV2?>(OpenCgroups);
        _record = new Lazy<PluginRunRecord?>(OpenRecord);

        // At host start, and again before each launch (see InheritedDescriptors).
        InheritedDescriptors.MarkCloseOnExec();
    }

    /// <summary>Sets up the containment of one launch of <paramref name="entry"/>, whose processes all inherit <paramref name="marker"/>.</summary>
    public PluginJail Prepare(CatalogEntry entry, string marker)
    {
        var settings = _options.CurrentValue;
        var limits = PluginResourceLimits.For(entry, settings);
        var record = _record.Value;
        if (InheritedDescriptors.MarkCloseOnExec() is > 0 and var marked)
        {
            LogDescriptorsMarked(_logger, marked);
        }

        PluginCgroup? cgroup = null;
        if (settings.UseCgroups && _cgroups.Value is { } root)
        {
            var name = string.Create(
                CultureInfo.InvariantCulture,
                $"pluginhost-{CgroupV2.HostPart()}-{Interlocked.Increment(ref s_sequence)}-{entry.Name}");
            try
            {
                cgroup = PluginCgroup.Create(Path.Join(root.Directory, name), root.Controllers, limits);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogCgroupFailed(_logger, entry.Name, e.Message);
            }
        }

        return new PluginJail(entry.Name, marker, limits, cgroup, record);
    }

    private CgroupV2? OpenCgroups()
    {
        if (!_options.CurrentValue.UseCgroups)
        {
            return null;
        }

        var cgroups = CgroupV2.TryOpen(out var reason);
        if (cgroups is null)
        {
            LogNoCgroups(_logger, reason);
        }
        else
        {
            LogCgroups(_logger, cgroups.Directory, cgroups.Controllers.Count == 0 ? "none" : string.Join(", ", cgroups.Controllers.Order(StringComparer.Ordinal)));
            try
            {
                if (cgroups.SweepOrphans() is > 0 and var removed)
                {
                    LogOrphanCgroups(_logger, removed, cgroups.Directory);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Litter at worst: the next host tries again.
            }
        }

        return cgroups;
    }

    private PluginRunRecord? OpenRecord()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var record = PluginRunRecord.Open(_options.CurrentValue.DataDirectory);
            if (record.SweepLeftovers() is > 0 and var killed)
            {
                LogLeftoversKilled(_logger, killed, record.Directory);
            }

            return record;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogNoRecord(_logger, e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugins are contained in cgroups under {CgroupDirectory} (controllers for their limits: {Controllers})")]
    private static partial void LogCgroups(ILogger logger, string cgroupDirectory, string controllers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Killed the processes of {Count} plugin cgroup(s) of hosts that are gone, under {CgroupDirectory}")]
    private static partial void LogOrphanCgroups(ILogger logger, int count, string cgroupDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugins are contained by process tree and environment marker, not cgroups: {Reason}")]
    private static partial void LogNoCgroups(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create a cgroup for plugin {Plugin}, so it is contained by process tree only: {Reason}")]
    private static partial void LogCgroupFailed(ILogger logger, string plugin, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Killed {Count} plugin process(es) or cgroup(s) left by a host that was killed, recorded in {RunDirectory}")]
    private static partial void LogLeftoversKilled(ILogger logger, int count, string runDirectory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Running plugins cannot be recorded for a sweep after a host crash: {Reason}")]
    private static partial void LogNoRecord(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Marked {Count} inherited file descriptor(s) close-on-exec before launching a plugin")]
    private static partial void LogDescriptorsMarked(ILogger logger, int count);
}
