using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host operator unseal [KEY]</c> or <c>-reset</c>: gives one key share to a running server's
/// <c>sys/unseal</c> (asking for it without echo when it is not given) and prints the seal status as <c>status</c> does.
/// </summary>
internal sealed class OperatorUnsealCommand : Command
{
    private BoolFlag _reset = null!;

    public override string Name => "operator unseal";

    public override string Synopsis => "Unseals the server";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override bool UsesHost => false;

    protected override string HelpText => """
        Usage: plugin-host operator unseal [options] [KEY]

          Provide a portion of the root key to unseal a PluginHost server. The server
          starts in a sealed state. It cannot perform operations until it is unsealed.
          This command accepts a portion of the root key (an "unseal key").

          The unseal key can be supplied as an argument to the command, but this is
          not recommended as the unseal key will be available in your history:

              $ plugin-host operator unseal IXyR0OJnSFobekZMMCKCoVEpT7wI6l+USMzE3IcyDyo=

          Instead, run the command with no arguments and it will prompt for the key
          (when stdin is not a terminal, the key is its first line):

              $ plugin-host operator unseal
              Unseal Key (will be hidden): IXyR0OJnSFobekZMMCKCoVEpT7wI6l+USMzE3IcyDyo=
        """;

    protected override void AddFlags(FlagSet flags) =>
        _reset = flags.Add("Command Options", new BoolFlag("reset", "Discard any previously entered keys to the unseal process."));

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count > 1)
        {
            run.Ui.Error($"Too many arguments (expected 1, got {args.Count})");
            return 1;
        }

        if (!ServerOnly.Check(run, this))
        {
            return 1;
        }

        Dictionary<string, JsonElement> body;
        string prefix;
        if (_reset.Value)
        {
            body = new(StringComparer.Ordinal) { ["reset"] = JsonSerializer.SerializeToElement(true) };
            prefix = "Error resetting unseal process";
        }
        else
        {
            var key = args.Count == 1 ? args[0].Trim() : ReadKey(run).Trim();
            body = new(StringComparer.Ordinal) { ["key"] = JsonSerializer.SerializeToElement(key) };
            prefix = "Error unsealing";
        }

        Requests.Secret? status;
        try
        {
            status = await run.Client.WriteAsync("sys/unseal", body, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, prefix, error);
        }

        if (!await SealStatusOutput.PrintAsync(run, status?.Data, cancellationToken))
        {
            return 1;
        }
        return 0;
    }

    // From the terminal: Vault's prompt on stdout and the key hidden. Otherwise the first line of stdin, without a prompt.
    private static string ReadKey(CommandRun run)
    {
        var environment = run.Environment;
        if (!environment.InputIsTerminal)
        {
            return environment.OpenStdin().ReadLine() ?? "";
        }

        environment.Out.Write("Unseal Key (will be hidden): ");
        var value = environment.ReadHiddenLine();
        environment.Out.Write("\n");
        return value ?? "";
    }
}
