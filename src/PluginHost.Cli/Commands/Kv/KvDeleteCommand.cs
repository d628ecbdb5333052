using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host kv delete [-mount=M] [-versions=N,…] KEY</c>: soft-deletes the newest version (or the ones given) on version 2; deletes the key on version 1.</summary>
internal sealed class KvDeleteCommand : KvCommand
{
    private StringListFlag? _versions;

    public override string Name => "kv delete";

    public override string Synopsis => "Deletes versions in the KV store";

    protected override string HelpText => """
        Usage: plugin-host kv delete [options] PATH

          Deletes the data for the provided version and path in the key-value store. The
          versioned data will not be fully removed, but marked as deleted and will no
          longer be returned in normal get requests.

          To delete the latest version of the key "foo":

              $ plugin-host kv delete -mount=secret foo

          To delete version 3 of key foo:

              $ plugin-host kv delete -mount=secret -versions=3 foo
        """;

    protected override void AddKvFlags(FlagSet flags) =>
        _versions = KvVersionsFlag.Add(flags, "Specifies the version numbers to delete.");

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        var versions = KvVersionsFlag.Parse(_versions!);
        if (await ResolveAsync(run, args[0], cancellationToken) is not { } target)
        {
            return 2;
        }

        var path = target.Mount.IsVersioned ? target.Under("data") : target.V1Path;
        try
        {
            if (!target.Mount.IsVersioned)
            {
                await run.Client.DeleteAsync(path, null, cancellationToken);
            }
            else if (versions.Count > 0)
            {
                await run.Client.WriteAsync(target.Under("delete"), KvVersions.Body(versions), cancellationToken);
            }
            else
            {
                await run.Client.DeleteAsync(path, null, cancellationToken);
            }
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error deleting {path}", error);
        }

        run.Ui.Output($"Success! Data deleted (if it existed) at: {path}");
        return 0;
    }
}

/// <summary>The body of <c>delete/</c>, <c>undelete/</c> and <c>destroy/</c>: <c>{"versions": [1, 2]}</c>.</summary>
internal static class KvVersions
{
    /// <summary>The request data naming <paramref name="versions"/>.</summary>
    public static Dictionary<string, JsonElement> Body(IReadOnlyList<long> versions) =>
        new(StringComparer.Ordinal) { ["versions"] = JsonSerializer.SerializeToElement(versions) };

    /// <summary>
    /// <c>kv undelete</c> and <c>kv destroy</c>: refuses without versions or on version 1 (exit 1), writes the versions
    /// to <paramref name="apiPrefix"/>, and prints Vault's <c>Success! Data written to: …</c>.
    /// </summary>
    public static async Task<int> WriteAsync(CommandRun run, KvTarget target, IReadOnlyList<long> versions, string apiPrefix, string verb, CancellationToken cancellationToken)
    {
        if (!target.Mount.IsVersioned)
        {
            run.Ui.Error($"{verb} not supported on KV Version 1");
            return 1;
        }

        var path = target.Under(apiPrefix);
        Secret? secret;
        try
        {
            secret = await run.Client.WriteAsync(path, Body(versions), cancellationToken);
        }
        catch (Exception error) when (Command.IsRequestError(error))
        {
            return Command.Fail(run, $"Error writing data to {path}", error);
        }

        return KvWrites.Print(run, path, secret, versioned: false, field: "");
    }
}
