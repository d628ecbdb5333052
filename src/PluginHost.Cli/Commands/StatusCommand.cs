using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host status</c>: a running server's <c>sys/seal-status</c>; exit 0 unsealed, 2 sealed, 1 error.</summary>
internal sealed class StatusCommand : Command
{
    public override string Name => "status";

    public override string Synopsis => "Print seal and HA status";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override bool UsesHost => false;

    protected override string HelpText => """
        Usage: plugin-host status [options]

          Prints the current state of a running PluginHost server (PLUGIN_HOST_ADDR),
          including whether it is initialized and sealed. This command prints
          regardless of whether the server is sealed.

          The exit code reflects the seal status:

              - 0 - unsealed
              - 1 - error
              - 2 - sealed
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 0, 0, "0") || !ServerOnly.Check(run, this))
        {
            return 1;
        }

        Requests.Secret? status;
        try
        {
            status = await run.Client.ReadAsync("sys/seal-status", null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            // Exit 2 means "sealed" here, so an error is 1.
            run.Ui.Error($"Error checking seal status: {error.Message}");
            return 1;
        }

        if (!await SealStatusOutput.PrintAsync(run, status?.Data, cancellationToken))
        {
            return 1;
        }
        return SealStatusOutput.IsSealed(status?.Data) ? 2 : 0;
    }
}
