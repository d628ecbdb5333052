using System.Text.Json;

namespace PluginHost.AdversarialPlugin;

/// <summary>The plugin's log channel: plain lines, or the JSON lines the host turns into log entries at their level.</summary>
internal static class Stderr
{
    public static void Line(string text) => Console.Error.WriteLine(text);

    public static void Log(string level, string message) =>
        Console.Error.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["@l"] = level, ["msg"] = message }));
}
