namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host audit disable PATH</c>: deletes <c>sys/audit/PATH</c>.</summary>
internal sealed class AuditDisableCommand : Command
{
    public override string Name => "audit disable";

    public override string Synopsis => "Disables an audit device";

    protected override string HelpText => """
        Usage: plugin-host audit disable [options] PATH

          Disables an audit device. Once an audit device is disabled, no future audit
          logs are dispatched to it. The data associated with the audit device is not
          affected.

          The argument corresponds to the PATH of audit device, not the TYPE!

          Disable the audit device enabled at "file/":

              $ plugin-host audit disable file/
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        var path = Paths.Mount(args[0]);
        try
        {
            await run.Client.DeleteAsync($"sys/audit/{Paths.Sanitize(path)}", null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error disabling audit device", error);
        }

        run.Ui.Output($"Success! Disabled audit device (if it was enabled) at: {path}");
        return 0;
    }
}
