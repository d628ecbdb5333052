using System.Text;

namespace PluginHost.Cli.Output;

/// <summary>
/// Vault's <c>tableOutput</c> over <c>columnize</c>: a header row, a row of dashes as long as each header, then the
/// rows; cells trimmed, an empty cell shown as <c>n/a</c>, columns padded to their widest cell and joined by 4 spaces,
/// the last column unpadded.
/// </summary>
internal static class Table
{
    private const string Glue = "    ";
    private const string Empty = "n/a";

    /// <summary>Renders a table with a header; the result has no trailing newline.</summary>
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var lines = new List<string[]>
        {
            headers.Select(Cell).ToArray(),
            headers.Select(h => new string('-', h.Trim().Length)).ToArray(),
        };
        lines.AddRange(rows.Select(r => r.Select(Cell).ToArray()));
        return Columnize(lines);
    }

    /// <summary>Vault's <c>columnOutput</c>: columns without a header.</summary>
    public static string Columnize(IReadOnlyList<string[]> lines)
    {
        var columns = lines.Max(l => l.Length);
        var widths = new int[columns];
        foreach (var line in lines)
        {
            for (var i = 0; i < line.Length; i++)
            {
                widths[i] = Math.Max(widths[i], Width(line[i]));
            }
        }

        var text = new StringBuilder();
        foreach (var line in lines)
        {
            for (var i = 0; i < line.Length; i++)
            {
                text.Append(line[i]);
                if (i < line.Length - 1)
                {
                    text.Append(' ', widths[i] - Width(line[i])).Append(Glue);
                }
            }

            text.Append('\n');
        }

        return text.ToString(0, text.Length - 1);
    }

    private static string Cell(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length == 0 ? Empty : trimmed;
    }

    // Go pads by runes, not UTF-16 units.
    private static int Width(string value) => value.EnumerateRunes().Count();
}
