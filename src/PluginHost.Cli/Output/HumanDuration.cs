using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PluginHost.Cli.Output;

/// <summary>
/// Vault's <c>humanDuration</c>: whole seconds as Go's <c>time.Duration</c> string without the trailing zero units
/// (<c>90</c> → <c>1m30s</c>, <c>3600</c> → <c>1h</c>, <c>2764800</c> → <c>768h</c>).
/// </summary>
internal static class HumanDuration
{
    public static string FromSeconds(long seconds)
    {
        if (seconds == 0)
        {
            return "0s";
        }

        var text = new StringBuilder();
        var magnitude = (ulong)Math.Abs(seconds);
        if (seconds < 0)
        {
            text.Append('-');
        }

        var hours = magnitude / 3600;
        var minutes = magnitude / 60 % 60;
        var rest = magnitude % 60;
        if (hours > 0)
        {
            text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            text.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        text.Append(rest.ToString(CultureInfo.InvariantCulture)).Append('s');

        // Go would print 1h0m0s; Vault trims it to 1h, and 1m0s to 1m.
        var s = text.ToString();
        if (s.EndsWith("m0s", StringComparison.Ordinal))
        {
            s = s[..^2];
        }

        var zeroMinutes = s.IndexOf("h0m", StringComparison.Ordinal);
        if (zeroMinutes > 0)
        {
            s = s[..(zeroMinutes + 1)] + s[(zeroMinutes + 3)..];
        }

        return s;
    }

    /// <summary>Whether Vault shows the value of <paramref name="key"/> as a duration (<c>ttl</c>, <c>*_ttl</c>, <c>period</c>, …).</summary>
    public static bool LooksLikeDuration(string key) =>
        key is "period" or "ttl" or "duration" or "lease_max" or "ttl_max"
        || key.EndsWith("_period", StringComparison.Ordinal)
        || key.EndsWith("_ttl", StringComparison.Ordinal)
        || key.EndsWith("_duration", StringComparison.Ordinal);

    /// <summary>Formats an integer JSON number as a duration and anything else as Go's <c>%v</c> does.</summary>
    public static string FormatValue(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            ? FromSeconds(seconds)
            : GoValueFormatter.Format(value);
}
