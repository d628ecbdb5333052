using System.Globalization;
using System.Text;

namespace PluginHost.Policies.Language;

/// <summary>
/// Splits HCL (version 1, the syntax Vault's policies use) into tokens. Whitespace, including newlines, only
/// separates tokens; comments are <c>#</c> and <c>//</c> to the end of the line, and <c>/* … */</c>. Strings are
/// double-quoted on one line with JSON's escapes. Heredocs and interpolation are not part of the subset.
/// </summary>
internal sealed class HclLexer
{
    private readonly string _text;
    private int _position;
    private int _line = 1;
    private int _lineStart;

    private HclLexer(string text) => _text = text;

    /// <summary>All the tokens of <paramref name="text"/>, ending with <see cref="HclTokenKind.End"/>.</summary>
    /// <exception cref="PolicyParseException">A character or string the subset does not allow.</exception>
    public static List<HclToken> Tokenize(string text)
    {
        var lexer = new HclLexer(text);
        var tokens = new List<HclToken>();
        HclToken token;
        do
        {
            token = lexer.Next();
            tokens.Add(token);
        }
        while (token.Kind != HclTokenKind.End);

        return tokens;
    }

    private int Column => _position - _lineStart + 1;

    private HclToken Next()
    {
        SkipWhitespaceAndComments();
        if (_position >= _text.Length)
        {
            return new HclToken(HclTokenKind.End, "", _line, Column);
        }

        var c = _text[_position];
        var single = c switch
        {
            '{' => HclTokenKind.LeftBrace,
            '}' => HclTokenKind.RightBrace,
            '[' => HclTokenKind.LeftBracket,
            ']' => HclTokenKind.RightBracket,
            ',' => HclTokenKind.Comma,
            '=' => HclTokenKind.Equals,
            _ => HclTokenKind.End,
        };
        if (single != HclTokenKind.End)
        {
            var token = new HclToken(single, c.ToString(), _line, Column);
            _position++;
            return token;
        }

        if (c == '"')
        {
            return ReadString();
        }

        if (char.IsAsciiDigit(c) || (c == '-' && _position + 1 < _text.Length && char.IsAsciiDigit(_text[_position + 1])))
        {
            return ReadNumber();
        }

        if (char.IsLetter(c) || c == '_')
        {
            var start = _position;
            while (_position < _text.Length && IsIdentifierPart(_text[_position]))
            {
                _position++;
            }

            return new HclToken(HclTokenKind.Identifier, _text[start.._position], _line, start - _lineStart + 1);
        }

        throw Error($"unexpected character '{c}'");
    }

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' or '.';

    private void SkipWhitespaceAndComments()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '\n')
            {
                _position++;
                _line++;
                _lineStart = _position;
            }
            else if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (_position < _text.Length && _text[_position] != '\n')
                {
                    _position++;
                }
            }
            else if (c == '/' && Peek(1) == '*')
            {
                SkipBlockComment();
            }
            else
            {
                return;
            }
        }
    }

    private void SkipBlockComment()
    {
        var startLine = _line;
        _position += 2;
        while (_position < _text.Length)
        {
            if (_text[_position] == '*' && Peek(1) == '/')
            {
                _position += 2;
                return;
            }

            if (_text[_position] == '\n')
            {
                _line++;
                _lineStart = _position + 1;
            }

            _position++;
        }

        throw PolicyParseException.Because($"comment starting on line {startLine} is not closed with '*/'");
    }

    private char Peek(int offset) => _position + offset < _text.Length ? _text[_position + offset] : '\0';

    private HclToken ReadString()
    {
        var column = Column;
        _position++;
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length || _text[_position] == '\n')
            {
                throw PolicyParseException.Because($"line {_line}, column {column}: string is not closed with '\"' on its line");
            }

            var c = _text[_position++];
            if (c == '"')
            {
                return new HclToken(HclTokenKind.String, value.ToString(), _line, column);
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            var escape = _position < _text.Length ? _text[_position++] : '\0';
            switch (escape)
            {
                case '"' or '\\' or '/':
                    value.Append(escape);
                    break;
                case 'n':
                    value.Append('\n');
                    break;
                case 't':
                    value.Append('\t');
                    break;
                case 'r':
                    value.Append('\r');
                    break;
                case 'u':
                    value.Append(ReadUnicodeEscape());
                    break;
                default:
                    throw Error($"unknown escape '\\{escape}' in a string");
            }
        }
    }

    private char ReadUnicodeEscape()
    {
        if (_position + 4 > _text.Length
            || !ushort.TryParse(_text.AsSpan(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            throw Error("'\\u' must be followed by four hexadecimal digits");
        }

        _position += 4;
        return (char)code;
    }

    private HclToken ReadNumber()
    {
        var start = _position;
        if (_text[_position] == '-')
        {
            _position++;
        }

        SkipDigits();
        if (Peek(0) == '.' && char.IsAsciiDigit(Peek(1)))
        {
            _position++;
            SkipDigits();
        }

        if (Peek(0) is 'e' or 'E')
        {
            _position++;
            if (Peek(0) is '+' or '-')
            {
                _position++;
            }

            if (!char.IsAsciiDigit(Peek(0)))
            {
                throw Error("a number's exponent needs digits");
            }

            SkipDigits();
        }

        if (IsIdentifierPart(Peek(0)))
        {
            throw Error($"'{_text[start.._position]}{Peek(0)}' is not a number; quote it to make a string");
        }

        return new HclToken(HclTokenKind.Number, _text[start.._position], _line, start - _lineStart + 1);
    }

    private void SkipDigits()
    {
        while (char.IsAsciiDigit(Peek(0)))
        {
            _position++;
        }
    }

    private PolicyParseException Error(string what) => PolicyParseException.Because($"line {_line}, column {Column}: {what}");
}
