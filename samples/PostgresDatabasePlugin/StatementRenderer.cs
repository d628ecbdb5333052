using System.Text;
using PluginHost;

namespace PostgresDatabasePlugin;

/// <summary>
/// Fills a statement's placeholders with values quoted for where they stand, following PostgreSQL's lexer: inside
/// <c>"…"</c> a value gets <c>"</c> doubled; inside <c>'…'</c> <c>'</c> doubled (and, in <c>E'…'</c>, <c>\</c> doubled);
/// outside quotes it becomes a whole quoted identifier (<c>{{name}}</c>) or literal (<c>{{password}}</c>,
/// <c>{{expiration}}</c>). Comments are left alone; a dollar-quoted body (<c>DO $$ … $$</c>) is rendered as code, and
/// refused if a value would end it.
/// </summary>
/// <remarks>
/// Refused, rather than guessed at: a NUL (PostgreSQL text cannot hold one), a backslash in a plain <c>'…'</c> while
/// <c>standard_conforming_strings</c> is off (it would escape the closing quote), and any placeholder inside
/// <c>U&amp;'…'</c>, <c>U&amp;"…"</c>, <c>B'…'</c> or <c>X'…'</c>. Where the lexer's reading is ambiguous, the reading
/// that quotes more is taken.
/// </remarks>
internal static class StatementRenderer
{
    /// <summary>
    /// <paramref name="statement"/> with its placeholders filled in. <paramref name="standardConformingStrings"/> is
    /// the session's setting, which decides whether a backslash in <c>'…'</c> is an escape.
    /// </summary>
    /// <exception cref="PluginHostException">BadRequest: a value cannot be placed safely where its placeholder stands.</exception>
    public static string Render(string statement, StatementValues values, bool standardConformingStrings)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(values);
        var output = new StringBuilder(statement.Length + 64);
        new Scanner(values, standardConformingStrings).Code(statement, output);
        return output.ToString();
    }

    private enum LiteralKind
    {
        Standard,
        Escape,
        Unicode,
        Bit,
    }

    private readonly record struct Found(string Placeholder, int Length, string Value, bool IsIdentifier);

    private sealed class Scanner(StatementValues values, bool standardConformingStrings)
    {
        public void Code(string text, StringBuilder output)
        {
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (Placeholder(text, i) is { } found)
                {
                    Unquoted(found, At(text, i + found.Length), output);
                    i += found.Length;
                }
                else if (c == '-' && At(text, i + 1) == '-')
                {
                    i = Copy(text, i, LineEnd(text, i), output);
                }
                else if (c == '/' && At(text, i + 1) == '*')
                {
                    i = Copy(text, i, BlockCommentEnd(text, i), output);
                }
                else if (c == '\'')
                {
                    i = Literal(text, i, output);
                }
                else if (c == '"')
                {
                    i = Identifier(text, i, output);
                }
                else if (c == '$' && MayStartToken(text, i) && DollarTag(text, i) is { } tag)
                {
                    i = DollarQuoted(text, i, tag, output);
                }
                else
                {
                    output.Append(c);
                    i++;
                }
            }
        }

        // A placeholder outside quotes becomes one whole quoted token, kept apart from its neighbours: "x{{name}}" must
        // not become one identifier, "E{{password}}" not an escape string, "{{password}}'…'" not one literal.
        private static void Unquoted(Found found, char next, StringBuilder output)
        {
            RefuseNul(found);
            string token;
            if (found.IsIdentifier)
            {
                token = $"\"{found.Value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            }
            else if (found.Value.Contains('\\', StringComparison.Ordinal))
            {
                // E'…' reads the same whatever standard_conforming_strings says, and cannot continue an earlier literal.
                token = $"E'{found.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)}'";
            }
            else
            {
                token = $"'{found.Value.Replace("'", "''", StringComparison.Ordinal)}'";
            }

            if (output.Length > 0 && (IsIdentifierChar(output[^1]) || output[^1] == '&'))
            {
                output.Append(' ');
            }

            output.Append(token);
            if (next is '\'' or '"')
            {
                output.Append(' ');
            }
        }

        private int Literal(string text, int quote, StringBuilder output)
        {
            var kind = KindOf(text, quote);
            output.Append('\'');
            var i = quote + 1;
            while (i < text.Length)
            {
                if (Placeholder(text, i) is { } found)
                {
                    output.Append(InLiteral(found, kind));
                    i += found.Length;
                    continue;
                }

                var c = text[i];
                if (c == '\\' && i + 1 < text.Length && (kind == LiteralKind.Escape || kind == LiteralKind.Standard && !standardConformingStrings))
                {
                    output.Append(c).Append(text[i + 1]);
                    i += 2;
                }
                else if (c == '\'' && At(text, i + 1) == '\'')
                {
                    output.Append("''");
                    i += 2;

                    // In B'…' and X'…' a doubled quote ends the string and opens a plain one.
                    kind = kind == LiteralKind.Bit ? LiteralKind.Standard : kind;
                }
                else if (c == '\'')
                {
                    output.Append(c);
                    i++;

                    // 'a'<newline>'b' is one string, read the same way as the first part.
                    var reopened = Continuation(text, i);
                    if (reopened < 0)
                    {
                        return i;
                    }

                    i = Copy(text, i, reopened + 1, output);
                }
                else
                {
                    output.Append(c);
                    i++;
                }
            }

            return i;
        }

        private string InLiteral(Found found, LiteralKind kind)
        {
            RefuseNul(found);
            if (kind is LiteralKind.Unicode or LiteralKind.Bit)
            {
                throw Refused(found, kind == LiteralKind.Unicode ? "cannot be placed inside a U&'…' string" : "cannot be placed inside a B'…' or X'…' string");
            }

            var value = found.Value;
            if (kind == LiteralKind.Escape)
            {
                value = value.Replace("\\", "\\\\", StringComparison.Ordinal);
            }
            else if (!standardConformingStrings && value.Contains('\\', StringComparison.Ordinal))
            {
                throw Refused(found, "holds a backslash, which this session (standard_conforming_strings = off) reads as an escape in '…'; write E'…' or turn standard_conforming_strings on");
            }

            return value.Replace("'", "''", StringComparison.Ordinal);
        }

        private int Identifier(string text, int quote, StringBuilder output)
        {
            var unicode = At(text, quote - 1) == '&' && At(text, quote - 2) is 'U' or 'u' && MayStartToken(text, quote - 2);
            output.Append('"');
            var i = quote + 1;
            while (i < text.Length)
            {
                if (Placeholder(text, i) is { } found)
                {
                    RefuseNul(found);
                    if (unicode)
                    {
                        throw Refused(found, "cannot be placed inside a U&\"…\" identifier");
                    }

                    output.Append(found.Value.Replace("\"", "\"\"", StringComparison.Ordinal));
                    i += found.Length;
                }
                else if (text[i] == '"' && At(text, i + 1) == '"')
                {
                    output.Append("\"\"");
                    i += 2;
                }
                else if (text[i] == '"')
                {
                    output.Append('"');
                    return i + 1;
                }
                else
                {
                    output.Append(text[i]);
                    i++;
                }
            }

            return i;
        }

        // The body is rendered as code (a DO block's PL/pgSQL quotes as SQL does); its values must not close the quote.
        private int DollarQuoted(string text, int start, string tag, StringBuilder output)
        {
            var bodyStart = start + tag.Length;
            var end = text.IndexOf(tag, bodyStart, StringComparison.Ordinal);
            var bodyEnd = end < 0 ? text.Length : end;
            var body = new StringBuilder(bodyEnd - bodyStart);
            Code(text[bodyStart..bodyEnd], body);
            var rendered = body.ToString();
            if ((rendered + tag).IndexOf(tag, StringComparison.Ordinal) != rendered.Length)
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"a placeholder's value would end the {tag}-quoted string it stands in");
            }

            output.Append(tag).Append(rendered);
            if (end < 0)
            {
                return text.Length;
            }

            output.Append(tag);
            return end + tag.Length;
        }

        private Found? Placeholder(string text, int i)
        {
            if (text[i] != '{' || At(text, i + 1) != '{')
            {
                return null;
            }

            var close = text.IndexOf("}}", i + 2, StringComparison.Ordinal);
            if (close < 0 || close - i > 32)
            {
                return null;
            }

            var name = text.AsSpan(i + 2, close - i - 2);
            return values.Lookup(name) is { } value ? new Found($"{{{{{name}}}}}", close + 2 - i, value.Text, value.IsIdentifier) : null;
        }

        private static LiteralKind KindOf(string text, int quote) =>
            At(text, quote - 1) switch
            {
                'E' or 'e' when MayStartToken(text, quote - 1) => LiteralKind.Escape,
                'B' or 'b' or 'X' or 'x' when MayStartToken(text, quote - 1) => LiteralKind.Bit,
                '&' when At(text, quote - 2) is 'U' or 'u' && MayStartToken(text, quote - 2) => LiteralKind.Unicode,
                _ => LiteralKind.Standard,
            };

        // Whether the character at i may begin a token (rather than continue an identifier): nothing identifier-like
        // before it, or a run that starts with a digit or '$' (a number or parameter, which a '$' or 'E' may follow).
        private static bool MayStartToken(string text, int i)
        {
            var start = i;
            while (start > 0 && IsIdentifierChar(text[start - 1]))
            {
                start--;
            }

            return start == i || char.IsAsciiDigit(text[start]) || text[start] == '$';
        }

        // $$ or $tag$, the tag a letter or '_' then letters, digits and '_'.
        private static string? DollarTag(string text, int at)
        {
            var end = at + 1;
            while (end < text.Length && (char.IsAsciiLetter(text[end]) || text[end] == '_' || text[end] >= 0x80 || end > at + 1 && char.IsAsciiDigit(text[end])))
            {
                end++;
            }

            return end < text.Length && text[end] == '$' ? text[at..(end + 1)] : null;
        }

        // After a closing quote: horizontal space, a newline, then space or "--" comments, then a quote continues the string.
        private static int Continuation(string text, int i)
        {
            while (i < text.Length && text[i] is ' ' or '\t' or '\f')
            {
                i++;
            }

            if (i >= text.Length || text[i] is not ('\n' or '\r'))
            {
                return -1;
            }

            while (i < text.Length)
            {
                if (text[i] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
                {
                    i++;
                }
                else if (text[i] == '-' && At(text, i + 1) == '-')
                {
                    var end = LineEnd(text, i);
                    if (end >= text.Length)
                    {
                        return -1;
                    }

                    i = end;
                }
                else
                {
                    break;
                }
            }

            return At(text, i) == '\'' ? i : -1;
        }

        private static int LineEnd(string text, int i)
        {
            var end = text.AsSpan(i).IndexOfAny('\n', '\r');
            return end < 0 ? text.Length : i + end;
        }

        // Block comments nest in PostgreSQL.
        private static int BlockCommentEnd(string text, int i)
        {
            var depth = 0;
            while (i < text.Length)
            {
                if (text[i] == '/' && At(text, i + 1) == '*')
                {
                    depth++;
                    i += 2;
                }
                else if (text[i] == '*' && At(text, i + 1) == '/')
                {
                    i += 2;
                    if (--depth == 0)
                    {
                        return i;
                    }
                }
                else
                {
                    i++;
                }
            }

            return text.Length;
        }

        private static int Copy(string text, int from, int to, StringBuilder output)
        {
            output.Append(text, from, to - from);
            return to;
        }

        private static char At(string text, int i) => i >= 0 && i < text.Length ? text[i] : '\0';

        private static bool IsIdentifierChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' || c >= 0x80;

        private static void RefuseNul(Found found)
        {
            if (found.Value.Contains('\0', StringComparison.Ordinal))
            {
                throw Refused(found, "holds a NUL character, which PostgreSQL text cannot");
            }
        }

        private static PluginHostException Refused(Found found, string why) =>
            new(ErrorCode.BadRequest, $"the value of {found.Placeholder} {why}");
    }
}
