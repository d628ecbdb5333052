using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// A plugin's logger: one JSON object per line on stderr
/// (<c>{"@t":…,"@l":"Warning","msg":"…","category":"…","mount_path":"…"}</c>), which the host turns back into log
/// entries at the same level, scoped to the mount (docs/protocol.md, "Launch").
/// </summary>
/// <remarks>
/// One process serves many mounts, so only the line itself can say which mount it is about: each backend
/// instance gets a logger carrying its mount path.
/// </remarks>
internal sealed class StderrJsonLogger(string category, string? mountPath, TextWriter output) : ILogger
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
        if (mountPath is not null)
        {
            line["mount_path"] = mountPath;
        }

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
