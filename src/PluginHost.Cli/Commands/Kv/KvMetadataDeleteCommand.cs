namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host kv metadata delete [-mount=M] KEY</c>: removes a version 2 key, all its versions and its metadata.</summary>
internal sealed class KvMetadataDeleteCommand : KvCommand
{
    public override string Name => "kv metadata delete";

    public override string Synopsis => "Deletes all versions and metadata for a key in the KV store";

    protected override string HelpText => """
        Usage: plugin-host kv metadata delete [options] PATH

          Deletes all versions and metadata for the provided key.

              $ plugin-host kv metadata delete -mount=secret foo
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        var (path, exitCode) = await ResolveMetadataPathAsync(run, args[0], cancellationToken);
        if (path is null)
        {
            return exitCode;
        }

        try
        {
            await run.Client.DeleteAsync(path, null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error deleting {path}", error);
        }

        run.Ui.Output($"Success! Data deleted (if it existed) at: {path}");
        return 0;
    }
}
