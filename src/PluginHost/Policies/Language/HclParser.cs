namespace PluginHost.Policies.Language;

/// <summary>
/// A recursive-descent parser for the HCL (version 1) subset of policies:
/// <code>
/// document := item*
/// item     := key+ ( '=' value | object ) ','?      key := identifier | string
/// value    := string | number | true | false | list | object
/// list     := '[' ( value ( ',' value )* ','? )? ']'
/// object   := '{' item* '}'
/// </code>
/// Items may share a line (<c>path "a" { capabilities = ["read"] }</c>); several keys make a block with labels.
/// </summary>
internal sealed class HclParser
{
    // Deep enough for any policy (path > block > parameters > list > value), shallow enough to never exhaust the stack.
    private const int MaxDepth = 16;

    private readonly List<HclToken> _tokens;
    private int _next;
    private int _depth;

    private HclParser(List<HclToken> tokens) => _tokens = tokens;

    /// <summary>Parses <paramref name="text"/> into its top-level items.</summary>
    /// <exception cref="PolicyParseException">The text is not in the subset; the message names the line and column.</exception>
    public static HclObject Parse(string text)
    {
        var parser = new HclParser(HclLexer.Tokenize(text));
        var document = new HclObject(parser.ParseItems(HclTokenKind.End), 1);
        return document;
    }

    private HclToken Current => _tokens[_next];

    private HclToken Take() => _tokens[_next++];

    private List<HclItem> ParseItems(HclTokenKind closing)
    {
        var items = new List<HclItem>();
        while (Current.Kind != closing)
        {
            items.Add(ParseItem());
            if (Current.Kind == HclTokenKind.Comma)
            {
                _next++;
            }
        }

        return items;
    }

    private HclItem ParseItem()
    {
        var first = Current;
        var keys = new List<string>();
        while (Current.Kind is HclTokenKind.Identifier or HclTokenKind.String)
        {
            keys.Add(Take().Text);
        }

        if (keys.Count == 0)
        {
            throw Unexpected(Current, "a key");
        }

        HclValue value;
        if (Current.Kind == HclTokenKind.Equals)
        {
            _next++;
            value = ParseValue();
        }
        else if (Current.Kind == HclTokenKind.LeftBrace)
        {
            value = ParseObject();
        }
        else
        {
            throw Unexpected(Current, $"'=' or '{{' after key \"{keys[^1]}\"");
        }

        if (keys.Count > 1 && value is not HclObject)
        {
            throw Error(first, $"block \"{keys[0]}\" with a label needs a {{ … }} body, not {value.Kind}");
        }

        return new HclItem(keys, value, first.Line);
    }

    private HclValue ParseValue()
    {
        var token = Current;
        switch (token.Kind)
        {
            case HclTokenKind.String:
                _next++;
                return new HclString(token.Text, token.Line);
            case HclTokenKind.Number:
                _next++;
                return new HclNumber(token.Text, token.Line);
            case HclTokenKind.Identifier when token.Text is "true" or "false":
                _next++;
                return new HclBool(token.Text == "true", token.Line);
            case HclTokenKind.LeftBracket:
                return ParseList();
            case HclTokenKind.LeftBrace:
                return ParseObject();
            default:
                throw Unexpected(token, "a value (a string, number, true, false, [list] or {object})");
        }
    }

    private HclList ParseList()
    {
        var open = Take();
        Enter(open);
        var items = new List<HclValue>();
        while (Current.Kind != HclTokenKind.RightBracket)
        {
            items.Add(ParseValue());
            if (Current.Kind == HclTokenKind.Comma)
            {
                _next++;
            }
            else if (Current.Kind != HclTokenKind.RightBracket)
            {
                throw Unexpected(Current, "',' or ']' in the list opened on line " + open.Line);
            }
        }

        _next++;
        _depth--;
        return new HclList(items, open.Line);
    }

    private HclObject ParseObject()
    {
        var open = Take();
        Enter(open);
        var items = ParseItems(HclTokenKind.RightBrace);
        _next++;
        _depth--;
        return new HclObject(items, open.Line);
    }

    private void Enter(HclToken open)
    {
        if (++_depth > MaxDepth)
        {
            throw Error(open, $"nested more than {MaxDepth} levels deep");
        }
    }

    private static PolicyParseException Unexpected(HclToken found, string expected) =>
        found.Kind == HclTokenKind.End
            ? Error(found, $"expected {expected}, found the end of the policy (is a '}}' or ']' missing?)")
            : Error(found, $"expected {expected}, found {found.Describe()}");

    private static PolicyParseException Error(HclToken at, string what) =>
        PolicyParseException.Because($"line {at.Line}, column {at.Column}: {what}");
}
