using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host audit list [-detailed]</c>: reads <c>sys/audit</c> and prints Vault's table of devices.</summary>
internal sealed class AuditListCommand : Command
{
    private BoolFlag _detailed = null!;

    public override string Name => "audit list";

    public override string Synopsis => "Lists enabled audit devices";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host audit list [options]

          Lists the enabled audit devices in the host. The output lists the enabled
          audit devices and the options for those devices.

          List all audit devices:

              $ plugin-host audit list

          List detailed output about the audit devices:

              $ plugin-host audit list -detailed
        """;

    protected override void AddFlags(FlagSet flags) =>
        _detailed = flags.Add("Command Options", new BoolFlag(
            "detailed",
            "Print detailed information such as options and replication status about each audit device."));

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 0, 0, "0"))
        {
            return 1;
        }

        Requests.Secret? secret;
        try
        {
            secret = await run.Client.ReadAsync("sys/audit", null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error listing audits", error);
        }

        var devices = (secret?.Data ?? new Dictionary<string, JsonElement>())
            .Where(p => p.Value.ValueKind == JsonValueKind.Object)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ToArray();
        if (!run.Ui.IsTable)
        {
            run.Ui.Output(JsonOutput.Render(writer => WriteDevices(writer, devices)));
            return 0;
        }

        if (devices.Length == 0)
        {
            // Vault says so on stdout, and exits 2.
            run.Ui.Output("No audit devices are enabled.");
            return 2;
        }

        run.Ui.Output(_detailed.Value
            ? Table.Render(["Path", "Type", "Description", "Replication", "Options"], devices.Select(d => Detailed(d.Key, d.Value)))
            : Table.Render(["Path", "Type", "Description"], devices.Select(d => Simple(d.Value))));
        return 0;
    }

    private static IReadOnlyList<string> Simple(JsonElement device) =>
        [JsonFields.Text(device, "path"), JsonFields.Text(device, "type"), JsonFields.Text(device, "description")];

    private static IReadOnlyList<string> Detailed(string path, JsonElement device) =>
    [
        path,
        JsonFields.Text(device, "type"),
        JsonFields.Text(device, "description"),
        JsonFields.IsTrue(device, "local") ? "local" : "replicated",
        string.Join(' ', Options(device).Select(o => $"{o.Key}={o.Value}")),
    ];

    private static IEnumerable<KeyValuePair<string, string>> Options(JsonElement device) =>
        device.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
            ? options.EnumerateObject().OrderBy(o => o.Name, StringComparer.Ordinal).Select(o => KeyValuePair.Create(o.Name, GoValueFormatter.Format(o.Value)))
            : [];

    // Vault's JSON of api.Audit values keyed by path, fields in its order.
    private static void WriteDevices(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, JsonElement>> devices)
    {
        writer.WriteStartObject();
        foreach (var (path, device) in devices)
        {
            writer.WriteStartObject(path);
            writer.WriteString("type", JsonFields.Text(device, "type"));
            writer.WriteString("description", JsonFields.Text(device, "description"));
            writer.WriteStartObject("options");
            foreach (var (key, value) in Options(device))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteBoolean("local", JsonFields.IsTrue(device, "local"));
            writer.WriteString("path", JsonFields.Text(device, "path"));
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
