using System.Diagnostics;

namespace PluginHost.Telemetry;

/// <summary>Records mount storage calls (a builtin's, or a plugin's through its storage callback) on <see cref="HostMetrics.StorageDuration"/>.</summary>
internal static class StorageMetrics
{
    /// <summary>Records a call of <paramref name="operation"/> that started at <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public static void Record(string operation, long started)
    {
        if (HostMetrics.StorageDuration.Enabled)
        {
            HostMetrics.StorageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
        }
    }

    /// <summary>Awaits <paramref name="call"/>, started at <paramref name="started"/>, and records it; with no listener it is returned as it is.</summary>
    public static ValueTask MeasureAsync(string operation, ValueTask call, long started) =>
        HostMetrics.StorageDuration.Enabled ? AwaitAsync(operation, call, started) : call;

    private static async ValueTask AwaitAsync(string operation, ValueTask call, long started)
    {
        await call.ConfigureAwait(false);
        Record(operation, started);
    }
}
