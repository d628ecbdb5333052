using System.Text.Json;

namespace PluginHost.Cli.Output;

/// <summary>Reads fields of the host's JSON answers (mounts, catalog entries) as Vault's CLI shows them.</summary>
internal static class JsonFields
{
    /// <summary>The field as Go's <c>%v</c> prints it, or empty when absent or null.</summary>
    public static string Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? GoValueFormatter.Format(value)
            : "";

    /// <summary>Whether the field is JSON <c>true</c>.</summary>
    public static bool IsTrue(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>The field as whole seconds, or 0.</summary>
    public static long Seconds(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            ? seconds
            : 0;
}
