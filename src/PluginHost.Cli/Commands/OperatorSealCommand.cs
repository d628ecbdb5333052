namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host operator seal</c>: writes <c>sys/seal</c> (sudo) on a running server.</summary>
internal sealed class OperatorSealCommand : Command
{
    public override string Name => "operator seal";

    public override string Synopsis => "Seals the server";

    protected override bool UsesHost => false;

    protected override string HelpText => """
        Usage: plugin-host operator seal [options]

          Seals the PluginHost server. Sealing tells the server to stop responding to
          any operations until it is unsealed. When sealed, the server discards its
          in-memory root key to unlock the data and stops every plugin, so it is
          physically blocked from responding to operations unsealed.

          If an unseal is in progress, sealing the server will reset the unsealing
          process. Users will have to re-enter their portions of the root key again.

          The token needs the "sudo" capability on sys/seal (a root token has it).

          Seal the server:

              $ plugin-host operator seal
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 0, 0, "0") || !ServerOnly.Check(run, this))
        {
            return 1;
        }

        try
        {
            await run.Client.WriteAsync("sys/seal", null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error sealing", error);
        }

        run.Ui.Output("Success! Vault is sealed.");
        return 0;
    }
}
