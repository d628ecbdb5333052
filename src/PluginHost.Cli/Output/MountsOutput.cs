using System.Globalization;
using System.Text.Json;

namespace PluginHost.Cli.Output;

/// <summary>
/// <c>secrets list</c> and <c>auth list</c>: the answer of <c>sys/mounts</c> or <c>sys/auth</c> (mount path → mount) as
/// Vault's tables, simple or <c>-detailed</c>, or as Vault's JSON of <c>api.MountOutput</c> values.
/// </summary>
internal static class MountsOutput
{
    public static int Print(Ui ui, IReadOnlyDictionary<string, JsonElement> mounts, bool detailed, bool auth)
    {
        var paths = mounts.Keys.Order(StringComparer.Ordinal).ToArray();
        if (!ui.IsTable)
        {
            ui.Output(JsonOutput.Render(writer =>
            {
                writer.WriteStartObject();
                foreach (var path in paths)
                {
                    writer.WritePropertyName(path);
                    WriteMount(writer, mounts[path]);
                }

                writer.WriteEndObject();
            }));
            return 0;
        }

        if (!detailed)
        {
            ui.Output(Table.Render(
                ["Path", "Type", "Accessor", "Description"],
                paths.Select(p => (IReadOnlyList<string>)[p, JsonFields.Text(mounts[p], "type"), JsonFields.Text(mounts[p], "accessor"), JsonFields.Text(mounts[p], "description")])));
            return 0;
        }

        string[] headers = auth
            ? ["Path", "Plugin", "Accessor", "Default TTL", "Max TTL", "Token Type", "Replication", "Seal Wrap", "External Entropy Access", "Options", "Description", "UUID", "Version", "Running Version", "Running SHA256", "Deprecation Status"]
            : ["Path", "Plugin", "Accessor", "Default TTL", "Max TTL", "Force No Cache", "Replication", "Seal Wrap", "External Entropy Access", "Options", "Description", "UUID", "Version", "Running Version", "Running SHA256", "Deprecation Status"];
        ui.Output(Table.Render(headers, paths.Select(p => DetailedRow(p, mounts[p], auth))));
        return 0;
    }

    private static string[] DetailedRow(string path, JsonElement mount, bool auth)
    {
        var config = mount.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        return
        [
            path,
            JsonFields.Text(mount, "type"),
            JsonFields.Text(mount, "accessor"),
            Ttl(config, "default_lease_ttl"),
            Ttl(config, "max_lease_ttl"),
            auth ? JsonFields.Text(config, "token_type") : Bool(config, "force_no_cache"),
            JsonFields.IsTrue(mount, "local") ? "local" : "replicated",
            Bool(mount, "seal_wrap"),
            Bool(mount, "external_entropy_access"),
            Options(mount),
            JsonFields.Text(mount, "description"),
            JsonFields.Text(mount, "uuid"),
            JsonFields.Text(mount, "plugin_version"),
            JsonFields.Text(mount, "running_plugin_version"),
            JsonFields.Text(mount, "running_sha256"),
            JsonFields.Text(mount, "deprecation_status"),
        ];
    }

    // Vault's api.MountOutput, fields in its order; the host's answer fills what it has.
    private static void WriteMount(Utf8JsonWriter writer, JsonElement mount)
    {
        var config = mount.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        writer.WriteStartObject();
        writer.WriteString("uuid", JsonFields.Text(mount, "uuid"));
        writer.WriteString("type", JsonFields.Text(mount, "type"));
        writer.WriteString("description", JsonFields.Text(mount, "description"));
        writer.WriteString("accessor", JsonFields.Text(mount, "accessor"));
        writer.WriteStartObject("config");
        writer.WriteNumber("default_lease_ttl", JsonFields.Seconds(config, "default_lease_ttl"));
        writer.WriteNumber("max_lease_ttl", JsonFields.Seconds(config, "max_lease_ttl"));
        writer.WriteBoolean("force_no_cache", JsonFields.IsTrue(config, "force_no_cache"));
        writer.WriteEndObject();
        writer.WritePropertyName("options");
        if (mount.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object && options.EnumerateObject().Any())
        {
            JsonOutput.WriteSorted(writer, options);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteBoolean("local", JsonFields.IsTrue(mount, "local"));
        writer.WriteBoolean("seal_wrap", JsonFields.IsTrue(mount, "seal_wrap"));
        writer.WriteBoolean("external_entropy_access", JsonFields.IsTrue(mount, "external_entropy_access"));
        writer.WriteString("plugin_version", JsonFields.Text(mount, "plugin_version"));
        writer.WriteString("running_plugin_version", JsonFields.Text(mount, "running_plugin_version"));
        writer.WriteString("running_sha256", JsonFields.Text(mount, "running_sha256"));
        writer.WriteString("deprecation_status", JsonFields.Text(mount, "deprecation_status"));
        writer.WriteEndObject();
    }

    // Vault's calcTTL: 0 is the system default, anything else raw seconds.
    private static string Ttl(JsonElement config, string name)
    {
        var seconds = JsonFields.Seconds(config, name);
        return seconds == 0 ? "system" : seconds.ToString(CultureInfo.InvariantCulture);
    }

    private static string Bool(JsonElement element, string name) => JsonFields.IsTrue(element, name) ? "true" : "false";

    private static string Options(JsonElement mount) =>
        mount.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
            ? GoValueFormatter.Format(options)
            : "map[]";
}
