using System.Globalization;
using System.Text.Json;

namespace PluginHost.Cli.Output;

/// <summary>
/// Vault's <c>printKeyStatus</c> for <c>operator key-status</c> and <c>operator rotate</c>: the barrier's active key
/// term, its install time (Go's RFC 822 layout, in UTC) and how many writes it encrypted, as columns; or Vault's
/// <c>api.KeyStatus</c> JSON.
/// </summary>
internal static class KeyStatusOutput
{
    /// <summary>The table, or the JSON, of the data <c>sys/key-status</c> answered.</summary>
    public static string Render(Ui ui, IReadOnlyDictionary<string, JsonElement>? status)
    {
        var data = status ?? new Dictionary<string, JsonElement>();
        var term = Integer(data, "term");
        var encryptions = Integer(data, "encryptions");
        var installed = InstallTime(data);
        if (!ui.IsTable)
        {
            return JsonOutput.Render(writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("term", term);
                writer.WriteString("install_time", installed?.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture) ?? "0001-01-01T00:00:00Z");
                writer.WriteNumber("encryptions", encryptions);
                writer.WriteEndObject();
            });
        }

        return Table.Columnize(
        [
            ["Key Term", term.ToString(CultureInfo.InvariantCulture)],
            ["Install Time", installed?.ToString("dd MMM yy HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? ""],
            ["Encryption Count", encryptions.ToString(CultureInfo.InvariantCulture)],
        ]);
    }

    private static DateTime? InstallTime(IReadOnlyDictionary<string, JsonElement> data) =>
        data.TryGetValue("install_time", out var value) && value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.UtcDateTime
            : null;

    private static long Integer(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;
}
