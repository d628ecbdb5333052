using System.Text;

namespace PluginHost.Cli.CommandLine;

/// <summary>Wraps help text at Vault's width (78 columns, words kept whole), as its <c>wrapAtLengthWithPadding</c> does.</summary>
internal static class TextWrap
{
    public const int MaxLineLength = 78;

    public static string WithPadding(string text, int padding)
    {
        var words = text.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var limit = MaxLineLength - padding;
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in words)
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > limit)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        if (line.Length > 0)
        {
            lines.Add(line.ToString());
        }

        var pad = new string(' ', padding);
        return string.Join('\n', lines.Select(l => pad + l));
    }
}
