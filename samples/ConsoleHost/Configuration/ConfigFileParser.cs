using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PluginHost.ConsoleHost.Configuration;

/// <summary>
/// Reads the settings of a config file: HCL-style <c>key = "value"</c> lines with <c>#</c> or <c>//</c> comments, or a
/// JSON object. Any line that is neither blank, a comment nor an assignment is an error that names its line.
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
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            var number = index + 1;
            if (line.Length == 0 || IsComment(line))
            {
                continue;
            }

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

            settings.Add(new ConfigSetting(key, value, number));
        }

        return settings;
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

    [GeneratedRegex(@"^(?<key>[A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?<rest>.*)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^[A-Za-z0-9_.+-]+")]
    private static partial Regex BareValue();
}
