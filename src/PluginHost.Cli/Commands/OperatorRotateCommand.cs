using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host operator rotate</c>: writes <c>sys/rotate</c> (sudo), then prints the new key's status.</summary>
internal sealed class OperatorRotateCommand : Command
{
    public override string Name => "operator rotate";

    public override string Synopsis => "Rotates the underlying encryption key";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host operator rotate [options]

          Rotates the underlying encryption key which is used to secure data written
          to the data directory. This installs a new key in the key ring. This new
          key is used to encrypt new data, while older keys in the ring are used to
          decrypt older data.

          This is an online operation and does not cause downtime. The token needs
          the "sudo" capability on sys/rotate (a root token has it).

          Rotate the encryption key:

              $ plugin-host operator rotate
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 0, 0, "0"))
        {
            return 1;
        }

        try
        {
            await run.Client.WriteAsync("sys/rotate", null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error rotating key", error);
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

        if (run.Ui.IsTable)
        {
            run.Ui.Output("Success! Rotated key");
            run.Ui.Output("");
        }

        run.Ui.Output(KeyStatusOutput.Render(run.Ui, status?.Data));
        return 0;
    }
}
