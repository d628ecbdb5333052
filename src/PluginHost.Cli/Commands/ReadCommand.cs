using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host read PATH [K=V...]</c>: reads a path; extra pairs are sent as request data.</summary>
internal sealed class ReadCommand : Command
{
    public override string Name => "read";

    public override string Synopsis => "Read data and retrieves secrets";

    protected override OutputFlags OutputFlags => OutputFlags.Format | OutputFlags.Field;

    protected override string HelpText => """
        Usage: plugin-host read [options] PATH

          Reads data from the host at the given path. This can be used to read
          secrets, plugin catalog entries, mount configuration, and more.

          Read a secret from a secrets engine:

              $ plugin-host read my-secrets-plugin/kv/foo

          Read a plugin's catalog entry:

              $ plugin-host read sys/plugins/catalog/secret/my-mock-plugin

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
        Requests.Secret? secret;
        try
        {
            secret = await run.Client.ReadAsync(path, query, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error reading {path}", error);
        }

        if (secret is null)
        {
            run.Ui.Error($"No value found at {path}");
            return 2;
        }

        return Field.Length > 0 ? SecretOutput.PrintRawField(run.Ui, secret, Field) : SecretOutput.OutputSecret(run.Ui, secret);
    }
}
