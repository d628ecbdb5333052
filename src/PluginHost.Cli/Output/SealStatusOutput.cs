using System.Globalization;
using System.Text.Json;

namespace PluginHost.Cli.Output;

/// <summary>
/// Vault's <c>OutputSealStatus</c>: the answer of <c>sys/seal-status</c> (or <c>sys/unseal</c>) as the Key/Value table
/// <c>status</c> and <c>operator unseal</c> print, or as Vault's <c>SealStatusOutput</c> JSON. PluginHost runs one
/// server, so <c>HA Enabled</c> is always false.
/// </summary>
internal static class SealStatusOutput
{
    /// <summary>Prints <paramref name="status"/> in the run's format.</summary>
    public static void Print(Ui ui, IReadOnlyDictionary<string, JsonElement>? status)
    {
        var data = status ?? new Dictionary<string, JsonElement>();
        ui.Output(ui.IsTable ? TableOf(data) : JsonOf(data));
    }

    /// <summary>Whether the answer says the server is sealed.</summary>
    public static bool IsSealed(IReadOnlyDictionary<string, JsonElement>? status) =>
        status is not null && status.TryGetValue("sealed", out var value) && value.ValueKind == JsonValueKind.True;

    private static string TableOf(IReadOnlyDictionary<string, JsonElement> data)
    {
        var threshold = Number(data, "t");
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "Seal Type", Text(data, "type") },
            new[] { "Initialized", Bool(data, "initialized") },
            new[] { "Sealed", Bool(data, "sealed") },
            new[] { "Total Shares", Number(data, "n") },
            new[] { "Threshold", threshold },
        };
        if (IsSealed(data))
        {
            rows.Add(["Unseal Progress", $"{Number(data, "progress")}/{threshold}"]);
            rows.Add(["Unseal Nonce", Text(data, "nonce")]);
        }

        if (data.TryGetValue("migration", out var migration) && migration.ValueKind == JsonValueKind.True)
        {
            rows.Add(["Seal Migration in Progress", "true"]);
        }

        rows.Add(["Version", Text(data, "version")]);
        rows.Add(["Build Date", Text(data, "build_date")]);
        rows.Add(["Storage Type", Text(data, "storage_type")]);
        rows.Add(["HA Enabled", "false"]);
        return Table.Render(["Key", "Value"], rows);
    }

    // Vault's SealStatusOutput: api.SealStatusResponse's fields in their order, then ha_enabled.
    private static string JsonOf(IReadOnlyDictionary<string, JsonElement> data) => JsonOutput.Render(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("type", Text(data, "type"));
        writer.WriteBoolean("initialized", Bool(data, "initialized") == "true");
        writer.WriteBoolean("sealed", IsSealed(data));
        writer.WriteNumber("t", Integer(data, "t"));
        writer.WriteNumber("n", Integer(data, "n"));
        writer.WriteNumber("progress", Integer(data, "progress"));
        writer.WriteString("nonce", Text(data, "nonce"));
        writer.WriteString("version", Text(data, "version"));
        writer.WriteString("build_date", Text(data, "build_date"));
        writer.WriteBoolean("migration", data.TryGetValue("migration", out var migration) && migration.ValueKind == JsonValueKind.True);
        writer.WriteBoolean("recovery_seal", data.TryGetValue("recovery_seal", out var recovery) && recovery.ValueKind == JsonValueKind.True);
        if (Text(data, "storage_type") is { Length: > 0 } storage)
        {
            writer.WriteString("storage_type", storage);
        }

        writer.WriteBoolean("ha_enabled", false);
        writer.WriteEndObject();
    });

    private static string Text(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Bool(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.True ? "true" : "false";

    private static long Integer(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;

    private static string Number(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        Integer(data, name).ToString(CultureInfo.InvariantCulture);
}
