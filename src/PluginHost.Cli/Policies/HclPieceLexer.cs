namespace PluginHost.Cli.Policies;

/// <summary>
/// Splits HCL into the pieces <see cref="HclFormatter"/> lays out again. Unlike a parser's lexer it keeps comments and
/// line ends, and keeps every string exactly as written (quotes and escapes), so formatting never changes a value.
/// </summary>
internal static class HclPieceLexer
{
    private const string Delimiters = "{}[],=\"#";

    /// <summary>The pieces of <paramref name="text"/>, which the library's parser has accepted.</summary>
    public static List<HclPiece> Split(string text)
    {
        var pieces = new List<HclPiece>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                pieces.Add(new HclPiece(HclPieceKind.Newline, "\n"));
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#' || (c == '/' && At(text, i + 1) == '/'))
            {
                var end = text.IndexOf('\n', i);
                end = end < 0 ? text.Length : end;
                pieces.Add(new HclPiece(HclPieceKind.LineComment, text[i..end].TrimEnd()));
                i = end;
            }
            else if (c == '/' && At(text, i + 1) == '*')
            {
                var close = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                var end = close < 0 ? text.Length : close + 2;
                pieces.Add(new HclPiece(HclPieceKind.BlockComment, text[i..end]));
                i = end;
            }
            else if (c == '"')
            {
                var end = EndOfString(text, i);
                pieces.Add(new HclPiece(HclPieceKind.Word, text[i..end]));
                i = end;
            }
            else if (Punctuation(c) is { } kind)
            {
                pieces.Add(new HclPiece(kind, c.ToString()));
                i++;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && !Delimiters.Contains(text[i], StringComparison.Ordinal)
                    && !(text[i] == '/' && At(text, i + 1) is '/' or '*'))
                {
                    i++;
                }

                pieces.Add(new HclPiece(HclPieceKind.Word, text[start..i]));
            }
        }

        return pieces;
    }

    private static HclPieceKind? Punctuation(char c) => c switch
    {
        '{' => HclPieceKind.LeftBrace,
        '}' => HclPieceKind.RightBrace,
        '[' => HclPieceKind.LeftBracket,
        ']' => HclPieceKind.RightBracket,
        ',' => HclPieceKind.Comma,
        '=' => HclPieceKind.Equals,
        _ => null,
    };

    // The index just after the string's closing quote (strings are on one line; a backslash escapes the next character).
    private static int EndOfString(string text, int start)
    {
        var i = start + 1;
        while (i < text.Length && text[i] != '\n')
        {
            if (text[i] == '\\')
            {
                i += 2;
                continue;
            }

            if (text[i] == '"')
            {
                return i + 1;
            }

            i++;
        }

        return Math.Min(i, text.Length);
    }

    private static char At(string text, int index) => index < text.Length ? text[index] : '\0';
}
