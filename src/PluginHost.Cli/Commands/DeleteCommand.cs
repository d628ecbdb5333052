namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host delete PATH [K=V...]</c>: deletes a path; extra pairs are sent as request data.</summary>
internal sealed class DeleteCommand : Command
{
    public override string Name => "delete";

    public override string Synopsis => "Delete secrets and configuration";

    protected override string HelpText => """
        Usage: plugin-host delete [options] PATH

          Deletes secrets and configuration from the host at the given path. The
          behavior of "delete" is delegated to the backend corresponding to the given
          path.

          Remove data in a secrets engine:

              $ plugin-host delete my-secrets-plugin/kv/foo

          Deregister a plugin from the catalog:

              $ plugin-host delete sys/plugins/catalog/secret/my-mock-plugin

          For a full list of examples and paths, please see the documentation that
          corresponds to the secrets engine in use.
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, int.MaxValue, "1"))
        {
            return 1;
        }

        var (path, query) = DataArguments.PathAndQuery(run, args);
        try
        {
            await run.Client.DeleteAsync(path, query, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error deleting {path}", error);
        }

        run.Ui.Output($"Success! Data deleted (if it existed) at: {path}");
        return 0;
    }
}
