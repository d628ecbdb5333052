using System.Globalization;

namespace PluginHost.Backends;

/// <summary>Vault's spellings of kv v2's times and durations.</summary>
internal static class KvTime
{
    /// <summary>Go's RFC3339Nano in UTC (<c>2018-03-22T02:24:06.945319214Z</c>, trailing zeros trimmed), or "" for none.</summary>
    public static string Format(DateTimeOffset? time) =>
        time is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture) : "";

    /// <summary>Go's <c>time.Duration.String</c> for whole seconds: <c>0s</c>, <c>45s</c>, <c>3m0s</c>, <c>1h30m0s</c>.</summary>
    public static string FormatDuration(long seconds)
    {
        var hours = seconds / 3600;
        var minutes = seconds % 3600 / 60;
        var rest = seconds % 60;
        return hours > 0 ? $"{hours}h{minutes}m{rest}s" : minutes > 0 ? $"{minutes}m{rest}s" : $"{rest}s";
    }
}
