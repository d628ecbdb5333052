using System.Text.Json;
using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host audit enable [-path=P] TYPE [K=V...]</c>: writes <c>sys/audit/P</c> with the pairs as the device's options.</summary>
internal sealed class AuditEnableCommand : Command
{
    private StringFlag _description = null!;
    private StringFlag _path = null!;
    private BoolFlag _local = null!;

    public override string Name => "audit enable";

    public override string Synopsis => "Enables an audit device";

    protected override string HelpText => """
        Usage: plugin-host audit enable [options] TYPE [CONFIG K=V...]

          Enables an audit device at a given path.

          This command enables an audit device of TYPE. Additional options for
          configuring the audit device can be specified after the type in the same
          format as the "plugin-host write" command in key/value pairs.

          For example, to configure the file audit device to write audit logs at the
          path "/var/log/audit.log":

              $ plugin-host audit enable file file_path=/var/log/audit.log
        """;

    protected override void AddFlags(FlagSet flags)
    {
        _description = flags.Add("Command Options", new StringFlag(
            "description",
            "string",
            "Human-friendly description for the purpose of this audit device."));
        _path = flags.Add("Command Options", new StringFlag(
            "path",
            "string",
            "Place where the audit device will be accessible. This must be unique across all audit devices. This " +
            "defaults to the \"type\" of the audit device."));
        _local = flags.Add("Command Options", new BoolFlag(
            "local",
            "Mark the audit device as a local-only device. Local devices are not replicated or removed by " +
            "replication. The default is false."));
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count < 1)
        {
            run.Ui.Error("Missing TYPE!");
            return 1;
        }

        var type = args[0].Trim();
        var path = Paths.EnsureTrailingSlash(_path.Value.Length > 0 ? _path.Value : type);
        var options = DataArguments.Parse(run, args.Skip(1)).ToData();
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["type"] = JsonSerializer.SerializeToElement(type),
            ["description"] = JsonSerializer.SerializeToElement(_description.Value),
            ["options"] = JsonSerializer.SerializeToElement(options),
            ["local"] = JsonSerializer.SerializeToElement(_local.Value),
        };
        try
        {
            await run.Client.WriteAsync($"sys/audit/{Paths.Sanitize(path)}", data, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error enabling audit device", error);
        }

        run.Ui.Output($"Success! Enabled the {type} audit device at: {path}");
        return 0;
    }
}
