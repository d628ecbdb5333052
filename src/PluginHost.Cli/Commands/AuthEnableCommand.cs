using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host auth enable [-path=P] TYPE</c>: writes <c>sys/auth/P</c>; the method is reached at <c>auth/P</c>.</summary>
internal sealed class AuthEnableCommand : Command
{
    private readonly MountFlags _mount = new();

    public override string Name => "auth enable";

    public override string Synopsis => "Enables a new auth method";

    protected override string HelpText => """
        Usage: plugin-host auth enable [options] TYPE

          Enables a new auth method. An auth method is responsible for authenticating
          users or machines and assigning them policies with which they can access
          the host. TYPE is the name of an auth plugin in the catalog: a builtin
          such as "userpass", or a registered external plugin.

          Enable the userpass auth method at userpass/:

              $ plugin-host auth enable userpass

          Enable a registered auth plugin at auth/my-auth-plugin/:

              $ plugin-host auth enable -path=my-auth-plugin my-userpass-plugin

          For a full list of auth methods and examples, please see the documentation.
        """;

    protected override void AddFlags(FlagSet flags) => _mount.Add(flags, "auth method");

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        var authType = _mount.PluginOf(args[0]);
        var authPath = Paths.EnsureTrailingSlash(_mount.Path.Value.Length > 0 ? _mount.Path.Value : authType);
        try
        {
            await run.Client.WriteAsync($"sys/auth/{Paths.Sanitize(authPath)}", _mount.ToData(authType), cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error enabling {authType} auth", error);
        }

        run.Ui.Output($"Success! Enabled {authType} auth method at: {authPath}");
        return 0;
    }
}
