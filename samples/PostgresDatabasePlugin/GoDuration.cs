using System.Globalization;

namespace PostgresDatabasePlugin;

/// <summary>
/// Vault's duration strings (Go's <c>time.ParseDuration</c> plus a bare number of seconds and a <c>d</c> for days):
/// <c>90</c>, <c>30s</c>, <c>1m30s</c>, <c>1.5h</c>, <c>500ms</c>, <c>2d</c>. Negative durations are refused.
/// </summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", TimeSpan.TicksPerMillisecond / 1_000_000.0),
        ("us", TimeSpan.TicksPerMillisecond / 1_000.0),
        ("µs", TimeSpan.TicksPerMillisecond / 1_000.0),
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
        ("d", TimeSpan.TicksPerDay),
    ];

    /// <summary>Parses <paramref name="text"/>; <see langword="false"/> when it is not a duration.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (text.Length == 0)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        if (text.StartsWith('+'))
        {
            text = text[1..];
        }

        double ticks = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (!double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            // Longest unit first, so "ms" is not read as "m" followed by "s".
            var unit = Units.Where(candidate => text.AsSpan(i).StartsWith(candidate.Unit, StringComparison.Ordinal))
                .OrderByDescending(candidate => candidate.Unit.Length)
                .FirstOrDefault();
            if (unit.Unit is null)
            {
                return false;
            }

            ticks += number * unit.Ticks;
            i += unit.Unit.Length;
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }
}
