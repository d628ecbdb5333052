using Microsoft.Extensions.Options;

namespace PluginHost;

/// <summary>Refuses settings that would break the host later in a less clear way (a negative timeout fails deep inside a drain).</summary>
internal sealed class PluginHostOptionsValidator : IValidateOptions<PluginHostOptions>
{
    // Timers and Task.WaitAsync take at most uint.MaxValue - 1 milliseconds (about 49 days).
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public ValidateOptionsResult Validate(string? name, PluginHostOptions options)
    {
        var failures = new List<string>();
        if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"PluginHostOptions.RequestTimeout must be positive (or Timeout.InfiniteTimeSpan), not {options.RequestTimeout}");
        }

        if (options.DrainTimeout < TimeSpan.Zero && options.DrainTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"PluginHostOptions.DrainTimeout cannot be negative (use TimeSpan.Zero not to wait), not {options.DrainTimeout}");
        }

        if (options.PluginStartTimeout <= TimeSpan.Zero)
        {
            failures.Add($"PluginHostOptions.PluginStartTimeout must be positive, not {options.PluginStartTimeout}");
        }

        if (options.MaxConcurrentRequestsPerPlugin < 1)
        {
            failures.Add($"PluginHostOptions.MaxConcurrentRequestsPerPlugin must be at least 1, not {options.MaxConcurrentRequestsPerPlugin}");
        }

        if (options.MaxPluginMessageBytes < 1024)
        {
            failures.Add($"PluginHostOptions.MaxPluginMessageBytes must be at least 1024, not {options.MaxPluginMessageBytes}");
        }

        if (options.MaxStorageCallsInFlightPerPlugin < 1)
        {
            failures.Add($"PluginHostOptions.MaxStorageCallsInFlightPerPlugin must be at least 1, not {options.MaxStorageCallsInFlightPerPlugin}");
        }

        if (options.MaxStorageCallsInFlightPerInstance < 1 || options.MaxStorageCallsInFlightPerInstance > options.MaxStorageCallsInFlightPerPlugin)
        {
            failures.Add($"PluginHostOptions.MaxStorageCallsInFlightPerInstance must be at least 1 and at most MaxStorageCallsInFlightPerPlugin ({options.MaxStorageCallsInFlightPerPlugin}), not {options.MaxStorageCallsInFlightPerInstance}");
        }

        if (options.PluginWriteStallTimeout <= TimeSpan.Zero && options.PluginWriteStallTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"PluginHostOptions.PluginWriteStallTimeout must be positive (or Timeout.InfiniteTimeSpan), not {options.PluginWriteStallTimeout}");
        }

        if (options.PluginCancellationGracePeriod < TimeSpan.Zero)
        {
            failures.Add($"PluginHostOptions.PluginCancellationGracePeriod cannot be negative, not {options.PluginCancellationGracePeriod}");
        }

        if (options.PluginShutdownGracePeriod < TimeSpan.Zero)
        {
            failures.Add($"PluginHostOptions.PluginShutdownGracePeriod cannot be negative, not {options.PluginShutdownGracePeriod}");
        }

        foreach (var (setting, value) in new[]
        {
            ("RequestTimeout", options.RequestTimeout),
            ("DrainTimeout", options.DrainTimeout),
            ("StorageLockTimeout", options.StorageLockTimeout),
            ("PluginStartTimeout", options.PluginStartTimeout),
            ("PluginShutdownGracePeriod", options.PluginShutdownGracePeriod),
            ("PluginCancellationGracePeriod", options.PluginCancellationGracePeriod),
            ("PluginWriteStallTimeout", options.PluginWriteStallTimeout),
        })
        {
            if (value > LongestTimeout)
            {
                failures.Add($"PluginHostOptions.{setting} can be at most {LongestTimeout.TotalDays:0} days (use Timeout.InfiniteTimeSpan for no limit), not {value}");
            }
        }

        if (options.DefaultLeaseTtl <= TimeSpan.Zero || options.MaxLeaseTtl <= TimeSpan.Zero || options.DefaultLeaseTtl > options.MaxLeaseTtl)
        {
            failures.Add($"PluginHostOptions.DefaultLeaseTtl and MaxLeaseTtl must be positive, and the default at most the max, not {options.DefaultLeaseTtl} and {options.MaxLeaseTtl}");
        }

        if (options.StorageLockTimeout < TimeSpan.Zero)
        {
            failures.Add($"PluginHostOptions.StorageLockTimeout cannot be negative, not {options.StorageLockTimeout}");
        }

        failures.AddRange(PluginHost.Catalog.PluginLimitRules.CheckDefaults(options));

        if (options.PluginDirectory is { Length: > 0 } directory && !Path.IsPathFullyQualified(directory))
        {
            failures.Add($"PluginHostOptions.PluginDirectory must be an absolute path, not \"{directory}\"");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
