namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host secrets disable PATH</c>: deletes <c>sys/mounts/PATH</c>, and with it the engine's data.</summary>
internal sealed class SecretsDisableCommand : Command
{
    public override string Name => "secrets disable";

    public override string Synopsis => "Disable a secret engine";

    protected override string HelpText => """
        Usage: plugin-host secrets disable [options] PATH

          Disables a secrets engine at the given PATH. The argument corresponds to
          the enabled PATH of the engine, not the TYPE! All secrets created by this
          engine are revoked and its data is deleted.

          Disable the secrets engine enabled at my-secrets-plugin/:

              $ plugin-host secrets disable my-secrets-plugin/
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
            await run.Client.DeleteAsync($"sys/mounts/{Paths.Sanitize(path)}", null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error disabling secrets engine at {path}", error);
        }

        run.Ui.Output($"Success! Disabled the secrets engine (if it existed) at: {path}");
        return 0;
    }
}
