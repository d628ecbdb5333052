using System.Text;
using System.Text.Json;

namespace PluginHost.Policies.Language;

/// <summary>
/// Reads a policy written as JSON (<c>{"path": {"secret/*": {"capabilities": ["read"]}}}</c>) into the same tree as
/// the HCL parser, with line numbers, so both forms are interpreted by the same code and fail with the same messages.
/// </summary>
internal ref struct JsonPolicyReader
{
    private const int MaxDepth = 16;

    private readonly ReadOnlySpan<byte> _utf8;
    private Utf8JsonReader _reader;
    private int _line;
    private long _countedUpTo;

    private JsonPolicyReader(ReadOnlySpan<byte> utf8)
    {
        _utf8 = utf8;
        _reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        _line = 1;
        _countedUpTo = 0;
    }

    /// <summary>Parses <paramref name="text"/>, which must be one JSON object.</summary>
    /// <exception cref="PolicyParseException">Not valid JSON, or a <c>null</c>.</exception>
    public static HclObject Read(string text)
    {
        var reader = new JsonPolicyReader(Encoding.UTF8.GetBytes(text));
        try
        {
            reader.Advance();
            if (reader._reader.TokenType != JsonTokenType.StartObject)
            {
                throw PolicyParseException.Because("a JSON policy must be an object");
            }

            var document = reader.ReadObject();
            if (reader._reader.Read())
            {
                throw PolicyParseException.Because($"line {reader.LineOfToken()}: unexpected content after the policy's object");
            }

            return document;
        }
        catch (JsonException ex)
        {
            // The reader counts lines from 0.
            throw PolicyParseException.Because($"invalid JSON on line {ex.LineNumber + 1}: {ex.Message}", ex);
        }
    }

    private void Advance()
    {
        if (!_reader.Read())
        {
            throw PolicyParseException.Because("the JSON policy ends early");
        }
    }

    private int LineOfToken()
    {
        // Count newlines incrementally: tokens only move forward.
        var start = _reader.TokenStartIndex;
        _line += _utf8[(int)_countedUpTo..(int)start].Count((byte)'\n');
        _countedUpTo = start;
        return _line;
    }

    private HclValue ReadValue()
    {
        var line = LineOfToken();
        switch (_reader.TokenType)
        {
            case JsonTokenType.String:
                return new HclString(_reader.GetString()!, line);
            case JsonTokenType.Number:
                return new HclNumber(Encoding.UTF8.GetString(_reader.ValueSpan), line);
            case JsonTokenType.True or JsonTokenType.False:
                return new HclBool(_reader.TokenType == JsonTokenType.True, line);
            case JsonTokenType.StartArray:
                return ReadList();
            case JsonTokenType.StartObject:
                return ReadObject();
            default:
                throw PolicyParseException.Because($"line {line}: null is not allowed in a policy");
        }
    }

    private HclList ReadList()
    {
        var line = LineOfToken();
        var items = new List<HclValue>();
        Advance();
        while (_reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(ReadValue());
            Advance();
        }

        return new HclList(items, line);
    }

    private HclObject ReadObject()
    {
        var line = LineOfToken();
        var items = new List<HclItem>();
        Advance();
        while (_reader.TokenType != JsonTokenType.EndObject)
        {
            var keyLine = LineOfToken();
            var key = _reader.GetString()!;
            Advance();
            items.Add(new HclItem([key], ReadValue(), keyLine));
            Advance();
        }

        return new HclObject(items, line);
    }
}
