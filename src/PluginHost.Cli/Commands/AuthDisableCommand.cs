namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host auth disable PATH</c>: deletes <c>sys/auth/PATH</c>, and with it the method's data.</summary>
internal sealed class AuthDisableCommand : Command
{
    public override string Name => "auth disable";

    public override string Synopsis => "Disables an auth method";

    protected override string HelpText => """
        Usage: plugin-host auth disable [options] PATH

          Disables an existing auth method at the given PATH. The argument corresponds
          to the PATH of the mount, not the TYPE! Its data is deleted.

          Disable the auth method at userpass/:

              $ plugin-host auth disable userpass/
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
            await run.Client.DeleteAsync($"sys/auth/{Paths.Sanitize(path)}", null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error disabling auth method at {path}", error);
        }

        run.Ui.Output($"Success! Disabled the auth method (if it existed) at: {path}");
        return 0;
    }
}
