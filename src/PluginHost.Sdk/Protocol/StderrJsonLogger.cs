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

        var json = FormatLine(DateTimeOffset.UtcNow, logLevel, formatter(state, exception), category, mountPath, exception, System.Diagnostics.Activity.Current);
        lock (WriteGate)
        {
            // One write per line, so lines from concurrent requests never interleave.
            output.WriteLine(json);
            output.Flush();
        }
    }

    /// <summary>Writes one log line's JSON object, property by property: no reflection, so trimmed and AOT plugins log too.</summary>
    internal static string FormatLine(DateTimeOffset time, LogLevel level, string message, string category, string? mountPath, Exception? exception, System.Diagnostics.Activity? activity = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("@t", time.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("@l", level.ToString());
            writer.WriteString("msg", message);
            writer.WriteString("category", category);
            if (mountPath is not null)
            {
                writer.WriteString("mount_path", mountPath);
            }

            if (exception is not null)
            {
                writer.WriteString("exception", exception.ToString());
            }

            // The request's trace (the host's, continued here), so the host's log line carries it too.
            if (activity is not null)
            {
                writer.WriteString("trace_id", activity.TraceId.ToHexString());
                writer.WriteString("span_id", activity.SpanId.ToHexString());
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
