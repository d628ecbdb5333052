using System.Text.Json;
using PluginHost.Cli.Output;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Commands;

/// <summary>How <c>kv put</c> and <c>kv patch</c> send a version and print what came back, as Vault's CLI does.</summary>
internal static class KvWrites
{
    /// <summary>Version 2's body: <c>{"data": {…}, "options": {"cas": N}}</c> (no options without a check-and-set).</summary>
    public static Dictionary<string, JsonElement> VersionedBody(IReadOnlyDictionary<string, JsonElement> data, long? cas)
    {
        var body = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["data"] = JsonSerializer.SerializeToElement(data),
        };
        if (cas is { } version)
        {
            body["options"] = JsonSerializer.SerializeToElement(new Dictionary<string, long> { ["cas"] = version });
        }

        return body;
    }

    /// <summary>Writes (or patches) and prints the answer: the secret path and the new version's metadata on version 2.</summary>
    public static async Task<int> WriteAsync(
        CommandRun run, string path, IReadOnlyDictionary<string, JsonElement> body, bool versioned, string field, CancellationToken cancellationToken, bool patch = false)
    {
        Secret? secret;
        try
        {
            secret = patch ? await run.Client.PatchAsync(path, body, cancellationToken) : await run.Client.WriteAsync(path, body, cancellationToken);
        }
        catch (Exception error) when (Command.IsRequestError(error))
        {
            return Command.Fail(run, $"Error writing data to {path}", error);
        }

        return Print(run, path, secret, versioned, field);
    }

    /// <summary>Prints a write's answer: Vault's success line when there is none, else the path and metadata table.</summary>
    public static int Print(CommandRun run, string path, Secret? secret, bool versioned, string field)
    {
        if (secret is null)
        {
            if (run.Ui.IsTable)
            {
                run.Ui.Output($"Success! Data written to: {path}");
            }

            return 0;
        }

        if (field.Length > 0)
        {
            return SecretOutput.PrintRawField(run.Ui, secret, field);
        }

        if (!run.Ui.IsTable || !versioned || secret.Data is null)
        {
            return SecretOutput.OutputSecret(run.Ui, secret);
        }

        SecretOutput.PrintWarnings(run.Ui, secret.Warnings);
        KvOutput.PrintPath(run.Ui, path, "Secret Path");
        KvOutput.PrintSection(run.Ui, "Metadata", secret.Data);
        return 0;
    }
}
