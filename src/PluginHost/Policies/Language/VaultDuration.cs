using System.Globalization;

namespace PluginHost.Policies.Language;

/// <summary>
/// Durations as Vault's <c>parseutil.ParseDurationSecond</c> reads them: a number is seconds; a string is seconds
/// (<c>"300"</c>), days (<c>"2d"</c>) or Go's duration syntax (<c>"1h30m"</c>, <c>"300s"</c>, <c>"1.5h"</c>).
/// </summary>
internal static class VaultDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01), // a tick is 100 ns
        ("us", 10),
        ("µs", 10),
        ("μs", 10),
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>Reads <paramref name="value"/> (a number or a string) as a duration.</summary>
    /// <returns><see langword="false"/> with <paramref name="error"/> set when it is not one.</returns>
    public static bool TryParse(HclValue value, out TimeSpan duration, out string error)
    {
        duration = TimeSpan.Zero;
        error = "";
        switch (value)
        {
            case HclNumber number when double.TryParse(number.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds):
                // Vault converts a number of seconds to whole seconds.
                duration = TimeSpan.FromSeconds(Math.Truncate(seconds));
                return true;
            case HclString text:
                return TryParseText(text.Value.Trim(), out duration, out error);
            default:
                error = $"expected a number of seconds or a duration string, found {value.Kind}";
                return false;
        }
    }

    private static bool TryParseText(string text, out TimeSpan duration, out string error)
    {
        duration = TimeSpan.Zero;
        error = "";
        if (text.Length == 0)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        if (text.EndsWith('d'))
        {
            if (long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days))
            {
                duration = TimeSpan.FromDays(days);
                return true;
            }

            error = $"invalid duration \"{text}\"";
            return false;
        }

        if (TryParseGoDuration(text, out duration))
        {
            return true;
        }

        error = $"invalid duration \"{text}\"";
        return false;
    }

    // Go's time.ParseDuration: an optional sign, then one or more decimal numbers each followed by a unit.
    private static bool TryParseGoDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var rest = text.AsSpan();
        var negative = false;
        if (rest.Length > 0 && rest[0] is '-' or '+')
        {
            negative = rest[0] == '-';
            rest = rest[1..];
        }

        if (rest.SequenceEqual("0"))
        {
            return true;
        }

        if (rest.IsEmpty)
        {
            return false;
        }

        double ticks = 0;
        while (!rest.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0
                || !double.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            rest = rest[numberLength..];
            var unitLength = 0;
            while (unitLength < rest.Length && !char.IsAsciiDigit(rest[unitLength]) && rest[unitLength] != '.')
            {
                unitLength++;
            }

            var unitTicks = TicksOf(rest[..unitLength]);
            if (unitTicks < 0)
            {
                return false;
            }

            ticks += amount * unitTicks;
            rest = rest[unitLength..];
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    private static double TicksOf(ReadOnlySpan<char> unit)
    {
        foreach (var (name, ticks) in Units)
        {
            if (unit.SequenceEqual(name))
            {
                return ticks;
            }
        }

        return -1;
    }
}
