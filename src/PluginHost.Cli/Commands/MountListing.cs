using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary>What <c>secrets list</c> and <c>auth list</c> share: read the mount table, print it.</summary>
internal static class MountListing
{
    public static async Task<int> RunAsync(CommandRun run, IReadOnlyList<string> args, string path, string errorPrefix, bool detailed, bool auth, CancellationToken cancellationToken)
    {
        if (args.Count > 0)
        {
            run.Ui.Error($"Too many arguments (expected 0, got {args.Count})");
            return 1;
        }

        Requests.Secret? secret;
        try
        {
            secret = await run.Client.ReadAsync(path, null, cancellationToken);
        }
        catch (Exception error) when (Command.IsRequestError(error))
        {
            return Command.Fail(run, errorPrefix, error);
        }

        return MountsOutput.Print(run.Ui, secret?.Data ?? new Dictionary<string, System.Text.Json.JsonElement>(), detailed, auth);
    }
}
