using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host kv get [-mount=M] [-version=N] KEY</c>: reads a kv secret, printing version 2's metadata and data.</summary>
internal sealed class KvGetCommand : KvCommand
{
    private IntFlag? _version;

    public override string Name => "kv get";

    public override string Synopsis => "Retrieves data from the KV store";

    protected override OutputFlags OutputFlags => OutputFlags.Format | OutputFlags.Field;

    protected override string HelpText => """
        Usage: plugin-host kv get [options] KEY

          Retrieves the value from the key-value store at the given key name. If no
          key exists with that name, an error is returned. If a key exists with that
          name but has no data, nothing is returned.

              $ plugin-host kv get -mount=secret foo

          The deprecated path-like syntax can also be used, but this should be avoided
          for KV v2, as the fact that it is not actually the full API path to
          the secret (secret/data/foo) can cause confusion:

              $ plugin-host kv get secret/foo

          To view the given key name at a specific version in time, specify the "-version"
          flag:

              $ plugin-host kv get -mount=secret -version=1 foo
        """;

    protected override void AddKvFlags(FlagSet flags) =>
        _version = flags.Add("Common Options", new IntFlag("version", "If passed, the value at the version number will be returned."));

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

        var versioned = target.Mount.IsVersioned;
        var path = versioned ? target.Under("data") : target.V1Path;
        var query = versioned && _version!.Value > 0
            ? new Dictionary<string, System.Text.Json.JsonElement> { ["version"] = System.Text.Json.JsonSerializer.SerializeToElement(_version.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) }
            : null;
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

        var data = versioned ? KvOutput.MapOf(secret.Data, "data") : secret.Data;
        if (Field.Length > 0)
        {
            if (data is null)
            {
                run.Ui.Error($"No data found at {path}");
                return 2;
            }

            // As Vault: -field=data is the secret itself, unless the secret has a field of that name.
            return versioned && Field == "data" && !data.ContainsKey("data")
                ? SecretOutput.PrintRawField(run.Ui, secret, Field)
                : SecretOutput.PrintRawField(run.Ui, data, Field);
        }

        if (!run.Ui.IsTable)
        {
            return SecretOutput.OutputSecret(run.Ui, secret);
        }

        SecretOutput.PrintWarnings(run.Ui, secret.Warnings);
        if (versioned)
        {
            KvOutput.PrintPath(run.Ui, path, "Secret Path");
            if (KvOutput.MapOf(secret.Data, "metadata") is { } metadata)
            {
                KvOutput.PrintSection(run.Ui, "Metadata", metadata);
                run.Ui.Output("");
            }
        }

        // A deleted or destroyed version has metadata and no data: Vault prints the metadata alone, and succeeds.
        if (data is not null)
        {
            KvOutput.PrintSection(run.Ui, "Data", data);
        }

        return 0;
    }
}
