using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host write PATH K=V...</c>: writes data; answers with the backend's data, or a success line.</summary>
internal sealed class WriteCommand : Command
{
    private BoolFlag? _force;

    public override string Name => "write";

    public override string Synopsis => "Write data, configuration, and secrets";

    protected override OutputFlags OutputFlags => OutputFlags.Format | OutputFlags.Field;

    protected override string HelpText => """
        Usage: plugin-host write [options] PATH [DATA K=V...]

          Writes data to the host at the given path. The data can be credentials,
          secrets, configuration, or arbitrary data. The specific behavior of this
          command is determined at the thing mounted at the path.

          Data is specified as "key=value" pairs. If the value begins with an "@", then
          it is loaded from a file. If the value is "-", it is read from stdin. A lone
          "-" reads a JSON object from stdin.

          Persist data in a secrets engine:

              $ plugin-host write my-secrets-plugin/kv/foo value=bar

          Register a plugin in the catalog:

              $ plugin-host write sys/plugins/catalog/secret/my-mock-plugin \
                  sha256=2c07... command=my-mock-plugin

          For a full list of examples and paths, please see the documentation that
          corresponds to the secrets engine in use.
        """;

    protected override void AddFlags(FlagSet flags) =>
        _force = flags.Add(
            "Command Options",
            new BoolFlag(
                "force",
                "Allow the operation to continue with no key=value pairs. This allows writing to keys that do not " +
                "need or expect data. This is aliased as \"-f\". The default is false."),
            "f");

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, int.MaxValue, "1"))
        {
            return 1;
        }

        if (args.Count == 1 && !_force!.Value)
        {
            run.Ui.Error("Must supply data or use -force");
            return 1;
        }

        var path = Paths.Sanitize(args[0]);
        var data = DataArguments.Parse(run, args.Skip(1)).ToData();
        Requests.Secret? secret;
        try
        {
            secret = await run.Client.WriteAsync(path, data, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error writing data to {path}", error);
        }

        if (secret is null)
        {
            // Vault prints nothing but in the table format.
            if (run.Ui.IsTable)
            {
                run.Ui.Output($"Success! Data written to: {path}");
            }

            return 0;
        }

        return Field.Length > 0 ? SecretOutput.PrintRawField(run.Ui, secret, Field) : SecretOutput.OutputSecret(run.Ui, secret);
    }
}
