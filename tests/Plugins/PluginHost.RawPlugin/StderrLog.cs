using System.Text.Encodings.Web;
using System.Text.Json;

namespace RawProtocolPlugin;

/// <summary>Log lines for the host: one JSON object per line on stderr, <c>{"@l":"Information","msg":"…"}</c> (protocol.md §1).</summary>
internal static class StderrLog
{
    // Readable lines: quotes and non-ASCII letters as they are (still valid JSON; nothing here is embedded in HTML).
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Information(string message) => Write("Information", message);

    public static void Warning(string message) => Write("Warning", message);

    public static void Error(string message) => Write("Error", message);

    private static void Write(string level, string message) =>
        Console.Error.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["@l"] = level, ["msg"] = message }, Options));
}
