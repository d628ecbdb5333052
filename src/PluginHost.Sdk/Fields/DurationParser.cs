using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PluginHost.Sdk;

/// <summary>Parses a duration as Vault does: whole seconds (a number or numeric string) or a Go-style duration such as <c>1h30m</c>.</summary>
/// <remarks>
/// <see cref="FieldType.Duration"/> fields use it; call it directly for durations nested in a
/// <see cref="FieldType.Map"/> field, such as a mount's <c>config.default_lease_ttl</c>.
/// </remarks>
public static partial class DurationParser
{
    // TimeSpan cannot hold more; far beyond any sensible token lifetime anyway.
    private const decimal MaxSeconds = 900_000_000_000m;

    /// <summary>Parses <paramref name="value"/> as a number of seconds.</summary>
    /// <param name="field">The field name, for the error message.</param>
    /// <param name="value">The JSON value.</param>
    /// <returns>The whole seconds (fractions are dropped).</returns>
    /// <exception cref="PluginHostException">The value is not a non-negative duration.</exception>
    public static long Parse(string field, JsonElement value)
    {
        var seconds = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDecimal(out var number) => number,
            JsonValueKind.String => ParseText(value.GetString() ?? ""),
            _ => null,
        };

        return seconds is >= 0 and <= MaxSeconds
            ? (long)decimal.Truncate(seconds.Value)
            : throw new PluginHostException(ErrorCode.BadRequest,
                $"invalid value for '{field}': {value.GetRawText()}; give seconds (3600) or a duration such as \"1h\", \"30m\" or \"90s\"");
    }

    private static decimal? ParseText(string text)
    {
        text = text.Trim();
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var plain))
        {
            return plain;
        }

        var total = 0m;
        var at = 0;
        foreach (Match part in DurationPart().Matches(text))
        {
            if (part.Index != at)
            {
                return null;
            }

            var amount = decimal.Parse(part.Groups["amount"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            total += amount * part.Groups["unit"].Value switch { "d" => 86_400, "h" => 3_600, "m" => 60, _ => 1 };
            if (total > MaxSeconds)
            {
                return null;
            }

            at += part.Length;
        }

        return at == text.Length && at > 0 ? total : null;
    }

    [GeneratedRegex(@"(?<amount>[0-9]{1,15}(?:\.[0-9]{1,9})?)(?<unit>[dhms])", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();
}
