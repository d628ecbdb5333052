using System.Globalization;
using System.Text.Json;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host kv metadata get [-mount=M] KEY</c>: a version 2 key's metadata, then each version's.</summary>
internal sealed class KvMetadataGetCommand : KvCommand
{
    public override string Name => "kv metadata get";

    public override string Synopsis => "Retrieves key metadata from the KV store";

    protected override OutputFlags OutputFlags => OutputFlags.Format | OutputFlags.Field;

    protected override string HelpText => """
        Usage: plugin-host kv metadata get [options] KEY

          Retrieves the metadata from the key-value store at the given key name. If no
          key exists with that name, an error is returned.

              $ plugin-host kv metadata get -mount=secret foo
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

        Requests.Secret? secret;
        try
        {
            secret = await run.Client.ReadAsync(path, null, cancellationToken);
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

        if (Field.Length > 0)
        {
            return SecretOutput.PrintRawField(run.Ui, secret, Field);
        }

        if (!run.Ui.IsTable)
        {
            return SecretOutput.OutputSecret(run.Ui, secret);
        }

        if (KvOutput.MapOf(secret.Data, "versions") is not { } versions)
        {
            run.Ui.Error($"No value found at {path}");
            SecretOutput.OutputSecret(run.Ui, secret);
            return 2;
        }

        var metadata = secret.Data!.Where(p => p.Key != "versions").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        KvOutput.PrintPath(run.Ui, path, "Metadata Path");
        run.Ui.Output(KvOutput.HeaderFor("Metadata", metadata));
        SecretOutput.OutputSecret(run.Ui, secret with { Data = metadata });
        foreach (var (number, version) in versions
            .Select(v => (Number: long.Parse(v.Key, CultureInfo.InvariantCulture), Version: v.Value))
            .OrderBy(v => v.Number))
        {
            var fields = version.ValueKind == JsonValueKind.Object
                ? version.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal)
                : new Dictionary<string, JsonElement>();
            run.Ui.Output("");
            KvOutput.PrintSection(run.Ui, $"Version {number}", fields);
        }

        return 0;
    }
}
