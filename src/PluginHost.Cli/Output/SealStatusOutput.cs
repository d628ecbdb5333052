using System.Globalization;
using System.Text.Json;

namespace PluginHost.Cli.Output;

/// <summary>
/// Vault's <c>OutputSealStatus</c>: the answer of <c>sys/seal-status</c> (or <c>sys/unseal</c>) with the server's
/// <c>sys/leader</c> as the Key/Value table <c>status</c> and <c>operator unseal</c> print, or as Vault's
/// <c>SealStatusOutput</c> JSON: HA Enabled, and for an unsealed server sharing HA storage its mode (active or
/// standby) and where the active server is.
/// </summary>
internal static class SealStatusOutput
{
    /// <summary>
    /// Reads the server's <c>sys/leader</c> as Vault's status does (a sealed server sharing HA storage cannot say who
    /// is active, <c>Vault is sealed</c>, which means HA is on) and prints it with <paramref name="status"/> in the
    /// run's format.
    /// </summary>
    /// <returns><see langword="false"/> when <c>sys/leader</c> could not be read (<c>Error checking leader status</c> is printed).</returns>
    public static async Task<bool> PrintAsync(Commands.CommandRun run, IReadOnlyDictionary<string, JsonElement>? status, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, JsonElement> leader;
        try
        {
            leader = (await run.Client.ReadAsync("sys/leader", null, cancellationToken))?.Data ?? new Dictionary<string, JsonElement>();
        }
        catch (Requests.ResponseException sealedServer) when (sealedServer.Message.Contains("Vault is sealed", StringComparison.Ordinal))
        {
            leader = new Dictionary<string, JsonElement> { ["ha_enabled"] = JsonSerializer.SerializeToElement(true) };
        }
        catch (Exception error) when (Commands.Command.IsRequestError(error))
        {
            run.Ui.Error($"Error checking leader status: {error.Message}");
            return false;
        }

        var data = status ?? new Dictionary<string, JsonElement>();
        run.Ui.Output(run.Ui.IsTable ? TableOf(data, leader) : JsonOf(data, leader));
        return true;
    }

    /// <summary>Whether the answer says the server is sealed.</summary>
    public static bool IsSealed(IReadOnlyDictionary<string, JsonElement>? status) =>
        status is not null && status.TryGetValue("sealed", out var value) && value.ValueKind == JsonValueKind.True;

    private static string TableOf(IReadOnlyDictionary<string, JsonElement> data, IReadOnlyDictionary<string, JsonElement> leader)
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
        rows.Add(["HA Enabled", Bool(leader, "ha_enabled")]);
        if (Bool(leader, "ha_enabled") == "true" && !IsSealed(data))
        {
            var self = Bool(leader, "is_self") == "true";
            rows.Add(["HA Cluster", Text(leader, "leader_cluster_address")]);
            rows.Add(["HA Mode", self ? "active" : "standby"]);
            if (self && ActiveTime(leader) is { } since)
            {
                rows.Add(["Active Since", since]);
            }

            if (!self)
            {
                rows.Add(["Active Node Address", Text(leader, "leader_address") is { Length: > 0 } address ? address : "<none>"]);
            }
        }

        return Table.Render(["Key", "Value"], rows);
    }

    // Vault's SealStatusOutput: api.SealStatusResponse's fields in their order, then ha_enabled.
    private static string JsonOf(IReadOnlyDictionary<string, JsonElement> data, IReadOnlyDictionary<string, JsonElement> leader) => JsonOutput.Render(writer =>
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

        writer.WriteBoolean("ha_enabled", Bool(leader, "ha_enabled") == "true");
        if (Bool(leader, "ha_enabled") == "true")
        {
            // Vault's omitempty fields: is_self and the addresses only when set; active_time (a Go time) always.
            if (Bool(leader, "is_self") == "true")
            {
                writer.WriteBoolean("is_self", true);
            }

            writer.WriteString("active_time", ActiveTime(leader) ?? ZeroTime);
            foreach (var name in (string[])["leader_address", "leader_cluster_address"])
            {
                if (Text(leader, name) is { Length: > 0 } address)
                {
                    writer.WriteString(name, address);
                }
            }
        }

        writer.WriteEndObject();
    });

    // Go's zero time, which Vault shows for a server that is not active.
    private const string ZeroTime = "0001-01-01T00:00:00Z";

    // As Go's RFC3339Nano prints it (no trailing zeros in the fraction), or null for the zero time.
    private static string? ActiveTime(IReadOnlyDictionary<string, JsonElement> leader)
    {
        var text = Text(leader, "active_time");
        if (text.Length == 0 || text == ZeroTime || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return null;
        }

        return time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + "Z";
    }

    private static string Text(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Bool(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.True ? "true" : "false";

    private static long Integer(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;

    private static string Number(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        Integer(data, name).ToString(CultureInfo.InvariantCulture);
}
