using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host list PATH</c>: the keys under a path.</summary>
internal sealed class ListCommand : Command
{
    public override string Name => "list";

    public override string Synopsis => "List data or secrets";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host list [options] PATH

          Lists data from the host at the given path. This can be used to list keys
          in a given secrets engine, or the plugins of a type in the catalog.

          List values under the "kv" path of a secrets engine:

              $ plugin-host list my-secrets-plugin/kv/

          List the secret plugins in the catalog:

              $ plugin-host list sys/plugins/catalog/secret

          For a full list of examples and paths, please see the documentation that
          corresponds to the secrets engine in use.
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
            // A list is of a folder: Vault's server adds the trailing slash before routing.
            secret = await run.Client.ListAsync(path + "/", cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error listing {path}", error);
        }

        // An empty list is nothing, as Vault's HTTP API answers it (404), so embedded and client mode print the same.
        if (secret is { ListKeys.Count: 0 } && secret.Warnings is not { Count: > 0 })
        {
            secret = null;
        }

        var keys = secret?.ListKeys;
        if (!run.Ui.IsTable && keys is null)
        {
            run.Ui.Output("{}");
            return 2;
        }

        if (secret is null)
        {
            run.Ui.Error($"No value found at {path}");
            return 2;
        }

        if (secret.Data is null)
        {
            return SecretOutput.OutputSecret(run.Ui, secret);
        }

        if (keys is null)
        {
            run.Ui.Error($"No entries found at {path}");
            return 2;
        }

        return SecretOutput.OutputList(run.Ui, secret, keys);
    }
}
