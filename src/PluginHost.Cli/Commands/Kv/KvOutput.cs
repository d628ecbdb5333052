using System.Text.Json;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary>Vault's kv output pieces: the <c>== Secret Path ==</c> block and the <c>==== Metadata ====</c> headers sized to their table.</summary>
internal static class KvOutput
{
    /// <summary>Vault's <c>outputPath</c>: a title padded with '=' to the path's width, the path, a blank line.</summary>
    public static void PrintPath(Ui ui, string path, string title)
    {
        ui.Output(PadEqualSigns(title, path.Length));
        ui.Output(path);
        ui.Output("");
    }

    /// <summary>Vault's <c>getHeaderForMap</c>: the title padded to the widest key plus the table's gaps.</summary>
    public static string HeaderFor(string title, IReadOnlyDictionary<string, JsonElement> data) =>
        PadEqualSigns(title, (data.Count == 0 ? 0 : data.Keys.Max(k => k.Length)) + 4 + 5);

    /// <summary>Prints a header and the map's Key/Value table.</summary>
    public static void PrintSection(Ui ui, string title, IReadOnlyDictionary<string, JsonElement> data)
    {
        ui.Output(HeaderFor(title, data));
        SecretOutput.OutputData(ui, data);
    }

    /// <summary>The fields of a JSON object, or <see langword="null"/> when it is not one.</summary>
    public static IReadOnlyDictionary<string, JsonElement>? MapOf(IReadOnlyDictionary<string, JsonElement>? data, string key) =>
        data is not null && data.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal)
            : null;

    // Vault's padEqualSigns: an even number of '=' around the title, at least two on each side.
    private static string PadEqualSigns(string title, int totalLength)
    {
        var signs = totalLength - (title.Length + 2);
        if (signs <= 0)
        {
            signs = 4;
        }

        if (signs % 2 != 0)
        {
            signs++;
        }

        var side = new string('=', signs / 2);
        return $"{side} {title} {side}";
    }
}
