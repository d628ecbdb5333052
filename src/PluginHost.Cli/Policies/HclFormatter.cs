using System.Text;

namespace PluginHost.Cli.Policies;

/// <summary>
/// Lays out a policy's HCL canonically, keeping every comment: two spaces of indentation per enclosing block or
/// multi-line list; one space around <c>=</c> and after a comma; a block's body always on its own lines; a list that
/// was written on one line stays on one line (<c>["read", "list"]</c>, without a trailing comma), a list written over
/// several lines gets one item per line, each followed by a comma; at most one blank line in a row, none just inside a
/// block, and exactly one between top-level blocks. Strings and comments are kept exactly as written.
/// </summary>
internal sealed class HclFormatter
{
    private const string Indent = "  ";

    private readonly List<HclPiece> _pieces;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _line = new();
    private readonly Stack<bool> _listContexts = new();
    private int _index;
    private int _depth;
    private int _lineDepth;

    // What the current line may still take: after a closing brace or bracket only a comma or a comment, after an item's
    // comma only a comment; anything else starts a new line.
    private bool _afterClose;
    private bool _afterComma;

    // A list item that ends the current line without its comma, and where the comma goes (before a trailing comment).
    private bool _needsComma;
    private int _commaAt;

    private bool _lineOpens;
    private bool _lineCloses;
    private bool _lastLineOpened;
    private bool _closesTopLevelBlock;
    private bool _blankWanted;
    private bool _blankRequired;
    private bool _sourceLineHasPieces;

    private HclFormatter(List<HclPiece> pieces) => _pieces = pieces;

    // Whether the innermost open structure is a multi-line list (false: a block, or the top level).
    private bool InList => _listContexts.Count > 0 && _listContexts.Peek();

    /// <summary>Formats <paramref name="text"/>, which must be HCL the library's parser accepts; the result ends with one newline.</summary>
    public static string Format(string text)
    {
        var formatter = new HclFormatter(HclPieceLexer.Split(text.Replace("\r\n", "\n", StringComparison.Ordinal)));
        formatter.Run();
        return formatter._lines.Count == 0 ? "" : string.Join('\n', formatter._lines) + "\n";
    }

    private void Run()
    {
        for (_index = 0; _index < _pieces.Count; _index++)
        {
            var piece = _pieces[_index];
            if (piece.Kind == HclPieceKind.Newline)
            {
                if (_sourceLineHasPieces)
                {
                    FinishLine();
                }
                else
                {
                    _blankWanted = true;
                }

                _sourceLineHasPieces = false;
                continue;
            }

            _sourceLineHasPieces = true;
            switch (piece.Kind)
            {
                case HclPieceKind.LeftBrace:
                    OpenBlock();
                    break;
                case HclPieceKind.RightBrace:
                    Close("}");
                    if (_depth == 0)
                    {
                        _closesTopLevelBlock = true;
                    }

                    break;
                case HclPieceKind.LeftBracket:
                    OpenList();
                    break;
                case HclPieceKind.RightBracket:
                    Close("]");
                    break;
                case HclPieceKind.Comma when _line.Length == 0:
                    // A comma that starts its line belongs to the item before, which has one already in a list.
                    if (!InList && _lines.Count > 0)
                    {
                        _lines[^1] += ",";
                    }

                    break;
                case HclPieceKind.Comma:
                    Append(",", HclPieceKind.Comma);
                    _needsComma = false;
                    _afterComma = _depth > 0;
                    break;
                case HclPieceKind.BlockComment when piece.Text.Contains('\n', StringComparison.Ordinal):
                    // A comment over several lines keeps its lines as written, on lines of its own.
                    FinishLine();
                    Append(piece.Text, piece.Kind);
                    FinishLine();
                    break;
                case HclPieceKind.Word:
                    Append(piece.Text, piece.Kind);
                    EndOfValue();
                    break;
                default:
                    Append(piece.Text, piece.Kind);
                    break;
            }
        }

        FinishLine();
    }

    private void OpenBlock()
    {
        Append("{", HclPieceKind.LeftBrace);
        var next = NextIgnoringNewlines(_index + 1);
        if (next < _pieces.Count && _pieces[next].Kind == HclPieceKind.RightBrace)
        {
            // An empty block stays {}.
            _line.Append('}');
            _index = next;
            _closesTopLevelBlock |= _depth == 0;
            EndOfValue();
            return;
        }

        _listContexts.Push(false);
        OpenLine();
    }

    private void OpenList()
    {
        var close = MatchingBracket(_index);
        var inline = true;
        for (var i = _index + 1; i < close; i++)
        {
            inline &= _pieces[i].Kind is not (HclPieceKind.Newline or HclPieceKind.LeftBrace or HclPieceKind.LineComment or HclPieceKind.BlockComment);
        }

        if (!inline)
        {
            Append("[", HclPieceKind.LeftBracket);
            _listContexts.Push(true);
            OpenLine();
            return;
        }

        Append(InlineList(_index, close), HclPieceKind.Word);
        _index = close;
        EndOfValue();
    }

    // A list written on one line, and any list inside it: items joined by ", ", without a trailing comma.
    private string InlineList(int open, int close)
    {
        var items = new List<string>();
        var item = new StringBuilder();
        for (var i = open + 1; i < close; i++)
        {
            var piece = _pieces[i];
            if (piece.Kind == HclPieceKind.LeftBracket)
            {
                var inner = MatchingBracket(i);
                item.Append(InlineList(i, inner));
                i = inner;
            }
            else if (piece.Kind == HclPieceKind.Comma)
            {
                items.Add(item.ToString());
                item.Clear();
            }
            else
            {
                item.Append(item.Length > 0 ? " " : "").Append(piece.Text);
            }
        }

        if (item.Length > 0)
        {
            items.Add(item.ToString());
        }

        return "[" + string.Join(", ", items) + "]";
    }

    // After an opening brace or bracket: a comment on the same source line stays, then the body starts a new line.
    private void OpenLine()
    {
        if (_index + 1 < _pieces.Count && _pieces[_index + 1].Kind == HclPieceKind.LineComment)
        {
            _index++;
            Append(_pieces[_index].Text, HclPieceKind.LineComment);
        }

        _lineOpens = true;
        FinishLine();
        _depth++;
    }

    private void Close(string text)
    {
        FinishLine();
        _listContexts.Pop();
        _depth--;
        Append(text, text == "}" ? HclPieceKind.RightBrace : HclPieceKind.RightBracket);
        _lineCloses = true;
        _afterClose = true;
        EndOfValue();
    }

    // Inside a multi-line list, a value that ends an item needs a comma after it unless one follows.
    private void EndOfValue()
    {
        if (InList)
        {
            _needsComma = true;
            _commaAt = _line.Length;
        }
    }

    private void Append(string text, HclPieceKind kind)
    {
        var trailing = kind is HclPieceKind.LineComment or HclPieceKind.BlockComment;
        if (_line.Length > 0 && ((_afterClose && kind != HclPieceKind.Comma && !trailing) || (_afterComma && !trailing)))
        {
            FinishLine();
        }

        if (_line.Length == 0)
        {
            _lineDepth = _depth;
        }
        else if (kind != HclPieceKind.Comma)
        {
            _line.Append(' ');
        }

        _line.Append(text);
        if (kind == HclPieceKind.Comma)
        {
            _afterClose = false;
        }
    }

    private void FinishLine()
    {
        if (_line.Length == 0)
        {
            return;
        }

        if (_needsComma)
        {
            _line.Insert(_commaAt, ',');
            _needsComma = false;
        }

        if ((_blankWanted || _blankRequired) && _lines.Count > 0 && !_lastLineOpened && !_lineCloses)
        {
            _lines.Add("");
        }

        _lines.Add(string.Concat(Enumerable.Repeat(Indent, _lineDepth)) + _line);
        _line.Clear();
        _blankWanted = false;
        _blankRequired = _closesTopLevelBlock;
        _closesTopLevelBlock = false;
        _lastLineOpened = _lineOpens;
        _lineOpens = false;
        _lineCloses = false;
        _afterClose = false;
        _afterComma = false;
    }

    private int NextIgnoringNewlines(int start)
    {
        var i = start;
        while (i < _pieces.Count && _pieces[i].Kind == HclPieceKind.Newline)
        {
            i++;
        }

        return i;
    }

    private int MatchingBracket(int open)
    {
        var depth = 0;
        for (var i = open; i < _pieces.Count; i++)
        {
            depth += _pieces[i].Kind switch
            {
                HclPieceKind.LeftBracket => 1,
                HclPieceKind.RightBracket => -1,
                _ => 0,
            };
            if (depth == 0)
            {
                return i;
            }
        }

        return _pieces.Count - 1;
    }
}
