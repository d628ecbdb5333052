using System.Text;
using System.Text.Json;

namespace PluginHost.Backends;

/// <summary>Vault's limits on kv v2's <c>custom_metadata</c>: at most 64 keys, keys up to 128 characters, values up to 512, all printable.</summary>
internal static class CustomMetadata
{
    private const int MaxKeys = 64;
    private const int MaxKeyLength = 128;
    private const int MaxValueLength = 512;
    private const string Prefix = "custom_metadata validation failed: ";

    /// <summary>The labels of <paramref name="raw"/> as strings (numbers and booleans written as text), checked.</summary>
    /// <exception cref="PluginHostException">BadRequest, listing every problem.</exception>
    public static Dictionary<string, string> Parse(IReadOnlyDictionary<string, JsonElement> raw)
    {
        if (raw.Count > MaxKeys)
        {
            throw Failed([$"{Prefix}payload must contain at most {MaxKeys} keys, provided {raw.Count}"]);
        }

        var problems = new List<string>();
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, element) in raw.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var value = element.ValueKind switch
            {
                JsonValueKind.String => element.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
                _ => null,
            };
            if (value is null)
            {
                problems.Add($"{Prefix}value for key \"{key}\" is {element.ValueKind.ToString().ToLowerInvariant()}; give a string");
                continue;
            }

            if (key.Length is 0 or > MaxKeyLength)
            {
                problems.Add($"{Prefix}length of key \"{key}\" is {key.Length} but must be 0 < len(key) <= {MaxKeyLength}");
            }

            if (value.Length is 0 or > MaxValueLength)
            {
                problems.Add($"{Prefix}length of value for key \"{key}\" is {value.Length} but must be 0 < len(value) <= {MaxValueLength}");
            }

            if (!IsPrintable(key))
            {
                problems.Add($"{Prefix}key \"{key}\" contains unprintable characters");
            }

            if (!IsPrintable(value))
            {
                problems.Add($"{Prefix}value for key \"{key}\" contains unprintable characters");
            }

            labels[key] = value;
        }

        return problems.Count == 0 ? labels : throw Failed(problems);
    }

    // Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
    private static bool IsPrintable(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var printable = rune.Value == ' ' || category switch
            {
                System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                    or System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.PrivateUse
                    or System.Globalization.UnicodeCategory.OtherNotAssigned or System.Globalization.UnicodeCategory.SpaceSeparator
                    or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator => false,
                _ => true,
            };
            if (!printable)
            {
                return false;
            }
        }

        return true;
    }

    // Vault joins the problems with go-multierror; one message per line reads the same.
    private static PluginHostException Failed(List<string> problems) =>
        new(ErrorCode.BadRequest, problems.Count == 1
            ? problems[0]
            : $"{problems.Count} errors occurred:\n" + string.Join("\n", problems.Select(p => "\t* " + p)));
}
