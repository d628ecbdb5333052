using System.Text.Json;
using System.Text.Json.Nodes;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.CommandLine;

/// <summary>
/// Turns <c>key=value</c> arguments into request data the way Vault's <c>kvbuilder</c> does: <c>key=@file</c> reads a
/// file, <c>key=-</c> reads stdin, a lone <c>-</c> or <c>@file</c> merges a JSON object, <c>key=\@x</c> is the literal
/// <c>@x</c>, and a repeated key becomes a list. Values stay strings.
/// </summary>
internal sealed class KeyValueBuilder(Func<TextReader> openStdin, string currentDirectory)
{
    private readonly JsonObject _result = [];
    private bool _stdinUsed;

    /// <summary>Adds every argument.</summary>
    /// <exception cref="UsageException"><c>invalid key/value pair "ARG": reason</c>.</exception>
    public KeyValueBuilder Add(IEnumerable<string> args)
    {
        foreach (var arg in args)
        {
            try
            {
                Add(arg);
            }
            catch (Exception error) when (error is FormatException or IOException or UnauthorizedAccessException or JsonException)
            {
                throw new UsageException($"invalid key/value pair \"{Echo.Of(arg)}\": {Describe(error)}", error);
            }
        }

        return this;
    }

    /// <summary>The data, for a write body.</summary>
    public Dictionary<string, JsonElement> ToData() =>
        _result.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value), StringComparer.Ordinal);

    /// <summary>The data as query parameters (read, delete): one value stays a string, several become a list.</summary>
    public Dictionary<string, JsonElement> ToQuery() =>
        _result.ToDictionary(
            p => p.Key,
            p => p.Value is JsonArray list && list.Count == 1 ? JsonSerializer.SerializeToElement(list[0]) : JsonSerializer.SerializeToElement(p.Value),
            StringComparer.Ordinal);

    private void Add(string raw)
    {
        if (raw.Length == 0)
        {
            return;
        }

        var equals = raw.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            if (raw == "-")
            {
                MergeJson(ReadStdin());
                return;
            }

            if (raw[0] == '@')
            {
                MergeJson(BoundedText.ReadFile(FullPath(raw[1..])));
                return;
            }

            throw new FormatException("format must be key=value");
        }

        var key = raw[..equals];
        var value = raw[(equals + 1)..];
        if (value.StartsWith('@'))
        {
            try
            {
                value = BoundedText.ReadFile(FullPath(value[1..]));
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new FormatException($"error reading file: {Describe(error)}", error);
            }
        }
        else if (value.StartsWith("\\@", StringComparison.Ordinal))
        {
            value = value[1..];
        }
        else if (value == "-")
        {
            value = ReadStdin();
        }

        Set(key, JsonValue.Create(value));
    }

    private void Set(string key, JsonNode? value)
    {
        if (!_result.TryGetPropertyValue(key, out var existing))
        {
            _result[key] = value;
            return;
        }

        // Repeated keys become a list, as mapstructure's WeakDecode makes them in Vault.
        var list = existing as JsonArray ?? [existing?.DeepClone()];
        if (existing is JsonArray)
        {
            _result.Remove(key);
        }

        list.Add(value);
        _result[key] = list;
    }

    private void MergeJson(string text)
    {
        var parsed = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false })
            ?? throw new FormatException("the JSON is null; give a JSON object");
        if (parsed is not JsonObject values)
        {
            throw new FormatException($"the JSON is a {parsed.GetValueKind().ToString().ToLowerInvariant()}; give a JSON object");
        }

        foreach (var (key, value) in values.ToArray())
        {
            values.Remove(key);
            _result[key] = value;
        }
    }

    private string ReadStdin()
    {
        if (_stdinUsed)
        {
            throw new FormatException("stdin already consumed");
        }

        _stdinUsed = true;
        return BoundedText.ReadAll(openStdin());
    }

    private string FullPath(string path) => Path.GetFullPath(path, currentDirectory);

    private static string Describe(Exception error) => error switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"open {FileName(error)}: no such file or directory",
        JsonException json => json.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd(),
        _ => error.Message,
    };

    // The file name as the user gave it is inside the message; .NET puts the full path there.
    private static string FileName(Exception error)
    {
        var message = error.Message;
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = message.LastIndexOf('\'');
        return start >= 0 && end > start ? message[(start + 1)..end] : message;
    }
}
