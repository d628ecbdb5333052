using System.Globalization;
using System.Text;

namespace PluginHost.Tests.Shared.Fuzzing;

/// <summary>
/// Renders request bytes or process output for a report: secrets replaced by placeholders, control and non-ASCII bytes
/// escaped (<c>\r\n</c> kept visible), runs of one character shortened to <c>{'a' × 1048576}</c>, cut at a length.
/// </summary>
internal static class Printable
{
    /// <summary>Bytes as escaped text, at most <paramref name="maxChars"/> characters (and the total length when cut).</summary>
    public static string Of(ReadOnlySpan<byte> bytes, IReadOnlyDictionary<string, string>? secrets = null, int maxChars = 600)
    {
        var text = Encoding.Latin1.GetString(bytes);
        if (secrets is not null)
        {
            foreach (var (secret, placeholder) in secrets)
            {
                if (secret.Length > 0)
                {
                    text = text.Replace(secret, placeholder, StringComparison.Ordinal);
                }
            }
        }

        var result = new StringBuilder();
        for (var i = 0; i < text.Length && result.Length < maxChars; i++)
        {
            var c = text[i];
            var run = 1;
            while (i + run < text.Length && text[i + run] == c)
            {
                run++;
            }

            if (run >= 16)
            {
                result.Append(CultureInfo.InvariantCulture, $"{{{Escape(c)} × {run}}}");
                i += run - 1;
                continue;
            }

            result.Append(Escape(c));
        }

        if (result.Length >= maxChars)
        {
            result.Append(CultureInfo.InvariantCulture, $"… ({bytes.Length} bytes in all)");
        }

        return result.ToString();
    }

    /// <summary>Text (a process's output) escaped and cut the same way.</summary>
    public static string Of(string text, int maxChars = 600) => Of(Encoding.UTF8.GetBytes(text), null, maxChars);

    private static string Escape(char c) => c switch
    {
        '\r' => "\\r",
        '\n' => "\\n",
        '\t' => "\\t",
        '\\' => "\\\\",
        < ' ' or (> '~' and <= '\u00ff') => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
        _ => c.ToString(),
    };
}
