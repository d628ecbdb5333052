using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host plugin list [TYPE]</c>: reads <c>sys/plugins/catalog</c>.</summary>
internal sealed class PluginListCommand : Command
{
    private BoolFlag _detailed = null!;

    public override string Name => "plugin list";

    public override string Synopsis => "Lists available plugins";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host plugin list [options] [TYPE]

          Lists available plugins registered in the catalog, builtin and external.

          List all available plugins in the catalog:

              $ plugin-host plugin list

          List all available secret plugins in the catalog:

              $ plugin-host plugin list secret

          List all available plugins in the catalog with version and deprecation status:

              $ plugin-host plugin list -detailed
        """;

    protected override void AddFlags(FlagSet flags) =>
        _detailed = flags.Add("Command Options", new BoolFlag(
            "detailed",
            "Print detailed plugin information such as plugin type, version, and deprecation status for each plugin. This option is only applicable to table-formatted output. The default is false."));

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count > 1)
        {
            run.Ui.Error($"Too many arguments (expected 0 or 1, got {args.Count})");
            return 1;
        }

        string? type = null;
        if (args.Count == 1 && (type = PluginTypes.Parse(args[0], out var typeError)) is null)
        {
            run.Ui.Error($"Error parsing type: {typeError}");
            return 2;
        }

        Requests.Secret? catalog;
        try
        {
            catalog = await run.Client.ReadAsync("sys/plugins/catalog", null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error listing available plugins", error);
        }

        if (catalog?.Data is not { } data)
        {
            run.Ui.Error("No response from server when listing plugins");
            return 2;
        }

        var details = (data.TryGetValue("detailed", out var detailed) && detailed.ValueKind == JsonValueKind.Array ? detailed.EnumerateArray().ToArray() : [])
            .Where(d => type is null || JsonFields.Text(d, "type") == type)
            .ToArray();
        if (!run.Ui.IsTable)
        {
            run.Ui.Output(JsonOutput.Render(writer => WriteJson(writer, data, details, type)));
            return 0;
        }

        if (_detailed.Value)
        {
            run.Ui.Output(Table.Render(
                ["Name", "Type", "Version", "Deprecation Status"],
                details.Select(d => (IReadOnlyList<string>)[JsonFields.Text(d, "name"), JsonFields.Text(d, "type"), JsonFields.Text(d, "version"), JsonFields.Text(d, "deprecation_status")])));
        }
        else if (type is null)
        {
            run.Ui.Output(Table.Render(
                ["Name", "Type", "Version"],
                details.Select(d => (IReadOnlyList<string>)[JsonFields.Text(d, "name"), JsonFields.Text(d, "type"), JsonFields.Text(d, "version")])));
        }
        else
        {
            run.Ui.Output(Table.Render(["Name", "Version"], details.Select(d => (IReadOnlyList<string>)[JsonFields.Text(d, "name"), JsonFields.Text(d, "version")])));
        }

        return 0;
    }

    // Vault's JSON: the names of each type, and "details" in the fields and order of api.PluginDetails.
    private static void WriteJson(Utf8JsonWriter writer, IReadOnlyDictionary<string, JsonElement> data, JsonElement[] details, string? type)
    {
        var byType = data.Where(p => p.Key != "detailed" && (type is null || p.Key == type)).Select(p => (p.Key, Value: (JsonElement?)p.Value));
        writer.WriteStartObject();
        foreach (var (key, value) in byType.Append(("details", null)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(key);
            if (value is { } names)
            {
                JsonOutput.WriteSorted(writer, names);
                continue;
            }

            writer.WriteStartArray();
            foreach (var detail in details)
            {
                writer.WriteStartObject();
                writer.WriteString("type", JsonFields.Text(detail, "type"));
                writer.WriteString("name", JsonFields.Text(detail, "name"));
                if (JsonFields.Text(detail, "version") is { Length: > 0 } version)
                {
                    writer.WriteString("version", version);
                }

                writer.WriteBoolean("builtin", JsonFields.IsTrue(detail, "builtin"));
                if (JsonFields.Text(detail, "deprecation_status") is { Length: > 0 } status)
                {
                    writer.WriteString("deprecation_status", status);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
