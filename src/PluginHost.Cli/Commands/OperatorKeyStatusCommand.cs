using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host operator key-status</c>: reads <c>sys/key-status</c>, the barrier's active encryption key.</summary>
internal sealed class OperatorKeyStatusCommand : Command
{
    public override string Name => "operator key-status";

    public override string Synopsis => "Provides information about the active encryption key";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host operator key-status [options]

          Provides information about the active encryption key. Specifically,
          the current key term, the key installation time and how many writes
          it encrypted. The data must be encrypted: by a server's seal, or by
          seal "static" { key_file = … } in the config file.
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 0, 0, "0"))
        {
            return 1;
        }

        Requests.Secret? status;
        try
        {
            status = await run.Client.ReadAsync("sys/key-status", null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error reading key status", error);
        }

        run.Ui.Output(KeyStatusOutput.Render(run.Ui, status?.Data));
        return 0;
    }
}
