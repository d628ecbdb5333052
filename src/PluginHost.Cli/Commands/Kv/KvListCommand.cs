using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host kv list [-mount=M] PATH</c>: lists the keys below a folder (version 2: its <c>metadata/</c>).</summary>
internal sealed class KvListCommand : KvCommand
{
    public override string Name => "kv list";

    public override string Synopsis => "List data or secrets";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host kv list [options] PATH

          Lists data from the KV store at the given path.

          List values under the key "my-app":

              $ plugin-host kv list -mount=secret my-app/
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        if (await ResolveAsync(run, args[0], cancellationToken) is not { } target)
        {
            return 2;
        }

        var path = target.Mount.IsVersioned ? target.Under("metadata") : target.V1Path;
        Requests.Secret? secret;
        try
        {
            secret = await run.Client.ListAsync(path, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error listing {path}", error);
        }

        var keys = secret?.ListKeys;
        if (!run.Ui.IsTable && keys is null)
        {
            SecretOutput.OutputData(run.Ui, new Dictionary<string, System.Text.Json.JsonElement>());
            return 2;
        }

        if (secret?.Data is null)
        {
            run.Ui.Error($"No value found at {path}");
            return 2;
        }

        if (keys is null)
        {
            run.Ui.Error($"No entries found at {path}");
            return 2;
        }

        return SecretOutput.OutputList(run.Ui, secret, keys);
    }
}
