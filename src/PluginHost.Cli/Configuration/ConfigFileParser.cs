using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PluginHost.Cli.Configuration;

/// <summary>
/// Reads the settings of a config file: HCL-style <c>key = "value"</c> lines with <c>#</c> or <c>//</c> comments, or a
/// JSON object. Vault's labelled blocks (<c>listener "tcp" { address = "…" }</c>, on one line or several) give their
/// settings as <c>listener.tcp.address</c>. Any other line is an error that names its line.
/// </summary>
internal static partial class ConfigFileParser
{
    public static IReadOnlyList<ConfigSetting> Parse(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.Length > 0 && trimmed[0] == '{' ? ParseJson(text) : ParseHcl(text);
    }

    private static List<ConfigSetting> ParseHcl(string text)
    {
        var settings = new List<ConfigSetting>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        string? block = null;
        var blockLine = 0;
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            var number = index + 1;
            if (line.Length == 0 || IsComment(line))
            {
                continue;
            }

            if (line == "}")
            {
                block = block is null ? throw new ConfigException($"line {number}: a }} without an open block") : null;
                continue;
            }

            var header = BlockHeader().Match(line);
            if (header.Success)
            {
                if (block is not null)
                {
                    throw new ConfigException($"line {number}: a block inside the block opened on line {blockLine}; close it with }} first");
                }

                block = $"{header.Groups["kind"].Value}.{header.Groups["label"].Value}.";
                blockLine = number;
                var inner = header.Groups["inner"].Value.Trim();
                if (inner.EndsWith('}'))
                {
                    // One line: listener "tcp" { address = "127.0.0.1:8200" }
                    inner = inner[..^1].Trim();
                    if (inner.Length > 0)
                    {
                        settings.Add(ParseAssignment(inner, number, block));
                    }

                    block = null;
                }
                else if (inner.Length > 0)
                {
                    throw new ConfigException($"line {number}: put the block's settings on their own lines, or close it with }} on this line");
                }

                continue;
            }

            settings.Add(ParseAssignment(line, number, block ?? ""));
        }

        if (block is not null)
        {
            throw new ConfigException($"line {blockLine}: the block opened here is not closed with }}");
        }

        return settings;
    }

    private static ConfigSetting ParseAssignment(string line, int number, string prefix)
    {
        var match = Assignment().Match(line);
        if (!match.Success)
        {
            throw new ConfigException($"line {number}: expected key = \"value\", found: {line}");
        }

        var key = match.Groups["key"].Value;
        var rest = match.Groups["rest"].Value;
        var (value, after) = rest.StartsWith('"') ? ReadQuoted(rest, number) : ReadBare(rest, number);
        after = after.Trim();
        if (after.Length > 0 && !IsComment(after))
        {
            throw new ConfigException($"line {number}: unexpected text after the value of {key}: {after}");
        }

        return new ConfigSetting(prefix + key, value, number);
    }

    private static bool IsComment(string text) => text.StartsWith('#') || text.StartsWith("//", StringComparison.Ordinal);

    private static (string Value, string After) ReadQuoted(string rest, int line)
    {
        var value = new StringBuilder();
        for (var i = 1; i < rest.Length; i++)
        {
            var c = rest[i];
            if (c == '"')
            {
                return (value.ToString(), rest[(i + 1)..]);
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (++i == rest.Length)
            {
                break;
            }

            value.Append(rest[i] switch
            {
                'n' => '\n',
                't' => '\t',
                '"' or '\\' => rest[i],
                var other => throw new ConfigException($"line {line}: unknown escape \\{other} in a quoted value; write \\\\ for a backslash"),
            });
        }

        throw new ConfigException($"line {line}: the quoted value has no closing \"");
    }

    private static (string Value, string After) ReadBare(string rest, int line)
    {
        var match = BareValue().Match(rest);
        if (!match.Success)
        {
            throw new ConfigException($"line {line}: expected a quoted value such as \"/path/to/plugins\", found: {rest}");
        }

        return (match.Value, rest[match.Length..]);
    }

    private static List<ConfigSetting> ParseJson(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var settings = new List<ConfigSetting>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var line = LineAt(bytes, reader.TokenStartIndex);
                var key = reader.GetString()!;
                reader.Read();
                var value = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString()!,
                    JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                    JsonTokenType.True => "true",
                    JsonTokenType.False => "false",
                    _ => throw new ConfigException($"line {LineAt(bytes, reader.TokenStartIndex)}: the value of {key} must be a string or a number"),
                };
                settings.Add(new ConfigSetting(key, value, line));
            }

            if (reader.Read())
            {
                throw new ConfigException($"line {LineAt(bytes, reader.TokenStartIndex)}: unexpected text after the JSON object");
            }
        }
        catch (JsonException error)
        {
            var line = (error.LineNumber ?? 0) + 1;
            throw new ConfigException($"line {line.ToString(CultureInfo.InvariantCulture)}: invalid JSON: {FirstSentence(error.Message)}", error);
        }

        return settings;
    }

    private static int LineAt(byte[] bytes, long offset) => 1 + bytes.AsSpan(0, (int)offset).Count((byte)'\n');

    // System.Text.Json appends "LineNumber: 2 | BytePositionInLine: 7." to its messages; the line is given already.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd();
    }

    [GeneratedRegex(@"^(?<kind>[A-Za-z_][A-Za-z0-9_]*)\s+""(?<label>[A-Za-z0-9_-]+)""\s*\{(?<inner>.*)$")]
    private static partial Regex BlockHeader();

    [GeneratedRegex(@"^(?<key>[A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?<rest>.*)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^[A-Za-z0-9_.+-]+")]
    private static partial Regex BareValue();
}
