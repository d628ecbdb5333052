using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace PluginHost.Benchmarks.E2e.Results;

/// <summary>Where and how the figures were measured.</summary>
internal sealed class MachineInfo
{
    [JsonPropertyName("cpu_model")]
    public required string CpuModel { get; init; }

    [JsonPropertyName("logical_cpus")]
    public required int LogicalCpus { get; init; }

    [JsonPropertyName("os")]
    public required string Os { get; init; }

    [JsonPropertyName("dotnet_runtime")]
    public required string DotnetRuntime { get; init; }

    [JsonPropertyName("gc")]
    public required string Gc { get; init; }

    [JsonPropertyName("harness_mode")]
    public required string HarnessMode { get; init; }

    [JsonPropertyName("warmup_s")]
    public required double WarmupS { get; init; }

    [JsonPropertyName("repeats")]
    public required int Repeats { get; init; }

    [JsonPropertyName("started_utc")]
    public required DateTime StartedUtc { get; init; }

    [JsonPropertyName("wall_s")]
    public double? WallS { get; set; }

    /// <summary>The 1-minute load average when the run started: above the CPU count, other work competed for the CPUs.</summary>
    [JsonPropertyName("loadavg_1m_start")]
    public double? LoadAverageStart { get; init; }

    [JsonPropertyName("loadavg_1m_end")]
    public double? LoadAverageEnd { get; set; }

    /// <summary>Environment variables the plugin processes were given through their catalog entry (<c>--plugin-env</c>).</summary>
    [JsonPropertyName("plugin_env")]
    public IReadOnlyDictionary<string, string>? PluginEnv { get; init; }

    public static MachineInfo Collect(string mode, Measurement.Budget budget, IReadOnlyDictionary<string, string> pluginEnv) => new()
    {
        LoadAverageStart = LoadAverage(),
        PluginEnv = pluginEnv.Count == 0 ? null : pluginEnv,
        CpuModel = CpuModelName(),
        LogicalCpus = Environment.ProcessorCount,
        Os = RuntimeInformation.OSDescription,
        DotnetRuntime = Environment.Version.ToString(),
        Gc = (GCSettings.IsServerGC ? "server" : "workstation") + (GCSettings.LatencyMode == GCLatencyMode.Batch ? "" : ", concurrent"),
        HarnessMode = mode,
        WarmupS = budget.Warmup.TotalSeconds,
        Repeats = budget.Repeats,
        StartedUtc = DateTime.UtcNow,
    };

    /// <summary>The 1-minute load average from /proc/loadavg, or null.</summary>
    public static double? LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.TryParse(first, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var load) ? load : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string CpuModelName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
