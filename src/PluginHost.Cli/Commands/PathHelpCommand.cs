using System.Text.Json;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host path-help PATH</c>: the help the path's backend gives for it (Vault's help operation).</summary>
internal sealed class PathHelpCommand : Command
{
    public override string Name => "path-help";

    public override string Synopsis => "Retrieve API help for paths";

    protected override string HelpText => """
        Usage: plugin-host path-help [options] PATH

          Retrieves API help for paths. All endpoints in the host provide built-in
          help in markdown format. This includes system paths, secret engines, and
          auth methods.

          Get help for the mount of a plugin:

              $ plugin-host path-help my-secrets-plugin/

          Get help for a path within that mount:

              $ plugin-host path-help my-secrets-plugin/kv/foo
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        var path = Paths.Sanitize(args[0]);
        Requests.Secret? secret;
        try
        {
            secret = await run.Client.HelpAsync(path, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error retrieving help", error);
        }

        if (secret?.Data is not { } data || !data.TryGetValue("help", out var help) || help.ValueKind != JsonValueKind.String)
        {
            run.Ui.Error($"Error retrieving help: no help for {path}");
            return 2;
        }

        run.Ui.Output(help.GetString()!);
        return 0;
    }
}
