using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// A plugin's logger: one JSON object per line on stderr (<c>{"@t":…,"@l":"Warning","msg":"…","category":"…"}</c>),
/// which the host turns back into log entries at the same level (docs/protocol.md, "Launch").
/// </summary>
internal sealed class StderrJsonLogger(string category, TextWriter output) : ILogger
{
    private static readonly Lock WriteGate = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = new Dictionary<string, object?>
        {
            ["@t"] = DateTimeOffset.UtcNow.ToString("O"),
            ["@l"] = logLevel.ToString(),
            ["msg"] = formatter(state, exception),
            ["category"] = category,
        };
        if (exception is not null)
        {
            line["exception"] = exception.ToString();
        }

        var json = JsonSerializer.Serialize(line);
        lock (WriteGate)
        {
            // One write per line, so lines from concurrent requests never interleave.
            output.WriteLine(json);
            output.Flush();
        }
    }
}
