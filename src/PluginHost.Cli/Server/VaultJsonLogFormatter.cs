using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace PluginHost.Cli.Server;

/// <summary>
/// Vault's <c>log_format = "json"</c> lines (hclog's): one JSON object a line with <c>@level</c> (<c>trace</c>,
/// <c>debug</c>, <c>info</c>, <c>warn</c>, <c>error</c>), <c>@message</c>, <c>@module</c> (the category),
/// <c>@timestamp</c> (UTC, microseconds), the message's own fields and its scopes' (a plugin's name, pid and mount),
/// <c>trace_id</c> and <c>span_id</c> when the line was written inside a trace, and <c>error</c> with an exception;
/// keys sorted, as hclog writes them.
/// </summary>
internal sealed class VaultJsonLogFormatter() : ConsoleFormatter(Name)
{
    /// <summary>The formatter's name, for <c>ConsoleLoggerOptions.FormatterName</c>.</summary>
    public new const string Name = "vault-json";

    /// <inheritdoc/>
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["@level"] = LevelOf(logEntry.LogLevel),
            ["@message"] = message ?? "",
            ["@module"] = logEntry.Category,
            ["@timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        };
        AddPairs(fields, logEntry.State as IEnumerable<KeyValuePair<string, object?>>);
        scopeProvider?.ForEachScope((scope, all) => AddPairs(all, scope as IEnumerable<KeyValuePair<string, object?>>), fields);
        if (Activity.Current is { } activity && !fields.ContainsKey("trace_id"))
        {
            fields["trace_id"] = activity.TraceId.ToHexString();
            fields["span_id"] = activity.SpanId.ToHexString();
        }

        if (logEntry.Exception is { } error)
        {
            fields["error"] = error.ToString();
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in fields)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    // Vault's level names (hclog's): trace, debug, info, warn, error; critical is an error there.
    private static string LevelOf(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        _ => "error",
    };

    // A structured message's and a scope's named values, as snake_case keys; the template itself is left out.
    private static void AddPairs(SortedDictionary<string, string> fields, IEnumerable<KeyValuePair<string, object?>>? pairs)
    {
        foreach (var (key, value) in pairs ?? [])
        {
            if (key == "{OriginalFormat}" || key.Length == 0)
            {
                continue;
            }

            var name = SnakeCase(key);
            if (!name.StartsWith('@'))
            {
                fields[name] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            }
        }
    }

    private static string SnakeCase(string key) =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(key);
}
