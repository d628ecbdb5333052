using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host kv patch [-mount=M] [-cas=N] [-method=patch|rw] [-remove-data=K] KEY K=V...</c>: changes some keys of
/// a version 2 secret, with an HTTP PATCH (a JSON merge patch) or, with <c>-method=rw</c>, a read then a check-and-set write.
/// </summary>
internal sealed class KvPatchCommand : KvCommand
{
    private IntFlag? _cas;
    private StringFlag? _method;
    private StringListFlag? _removeData;

    public override string Name => "kv patch";

    public override string Synopsis => "Sets or updates data in the KV store without overwriting";

    protected override OutputFlags OutputFlags => OutputFlags.Format | OutputFlags.Field;

    protected override string HelpText => """
        Usage: plugin-host kv patch [options] KEY [DATA]

          *NOTE*: This is only supported for KV v2 engine mounts.

          Writes the data to the corresponding path in the key-value store. The data can be of
          any type.

              $ plugin-host kv patch -mount=secret foo bar=baz

          The data can also be consumed from a file on disk by prefixing with the "@"
          symbol, or read from stdin using the "-" symbol, as for "kv put".

          This command uses HTTP PATCH (a JSON merge patch), which needs the "patch"
          capability; refused one (403) or where PATCH is not served (405), it reads
          the secret and writes it back with a check-and-set instead, which needs
          "read" and "update". -method=patch never falls back; -method=rw always reads
          then writes.

          Remove a key from the secret:

              $ plugin-host kv patch -mount=secret -remove-data=bar foo
        """;

    protected override void AddKvFlags(FlagSet flags)
    {
        _cas = flags.Add("Common Options", new IntFlag(
            "cas",
            "Specifies to use a Check-And-Set operation. If set to 0 or not set, the patch will be allowed. If the " +
            "index is non-zero the patch will only be allowed if the key's current version matches the version " +
            "specified in the cas parameter."));
        _method = flags.Add("Common Options", new StringFlag(
            "method",
            "string",
            "Specifies which method of patching to use. If set to \"patch\", then an HTTP PATCH request will be " +
            "issued. If set to \"rw\", then a read will be performed, then a local update, followed by a remote " +
            "update. The default is \"patch\"."));
        _removeData = flags.Add("Common Options", new StringListFlag("remove-data", "Key to remove from data. To specify multiple values, specify this flag multiple times."));
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count == 0)
        {
            run.Ui.Error($"Not enough arguments (expected >1, got {args.Count})");
            return 1;
        }

        if (args.Count == 1 && _removeData!.Values.Count == 0)
        {
            run.Ui.Error("Must supply data");
            return 1;
        }

        var data = DataArguments.Parse(run, args.Skip(1)).ToData();
        foreach (var removed in _removeData!.Values)
        {
            data[removed] = JsonSerializer.SerializeToElement<object?>(null);
        }

        if (await ResolveAsync(run, args[0], cancellationToken) is not { } target)
        {
            return 2;
        }

        if (!target.Mount.IsVersioned)
        {
            run.Ui.Error("K/V engine mount must be version 2 for patch support");
            return 2;
        }

        var path = target.Under("data");
        return _method!.Value switch
        {
            "" => await PatchOrReadThenWriteAsync(run, path, data, cancellationToken),
            "patch" => await KvWrites.WriteAsync(run, path, PatchBody(data), versioned: true, Field, cancellationToken, patch: true),
            "rw" => await ReadThenWriteAsync(run, path, data, cancellationToken),
            var other => Unsupported(run, other),
        };
    }

    private Dictionary<string, JsonElement> PatchBody(Dictionary<string, JsonElement> data) =>
        KvWrites.VersionedBody(data, _cas!.Value > 0 ? _cas.Value : null);

    // Vault's default: a PATCH; where the server has no PATCH (405) or the token lacks the patch capability (403), a
    // read then a check-and-set write instead, the latter with a word about the capability.
    private async Task<int> PatchOrReadThenWriteAsync(CommandRun run, string path, Dictionary<string, JsonElement> data, CancellationToken cancellationToken)
    {
        Secret? secret;
        try
        {
            secret = await run.Client.PatchAsync(path, PatchBody(data), cancellationToken);
        }
        catch (ResponseException refused) when (refused.StatusCode is 405 or 403)
        {
            var written = await ReadThenWriteAsync(run, path, data, cancellationToken);
            if (written == 0 && refused.StatusCode == 403)
            {
                run.Ui.Warn($"Data was written to {path} but we recommend that you add the \"patch\" capability to your ACL policy in order to use HTTP PATCH in the future.");
            }

            return written;
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error writing data to {path}", error);
        }

        return KvWrites.Print(run, path, secret, versioned: true, Field);
    }

    private static int Unsupported(CommandRun run, string method)
    {
        run.Ui.Error($"Unsupported method provided to -method flag: {method}");
        return 2;
    }

    // Vault's read-modify-write: the write carries the version read as its check-and-set, so nothing in between is lost.
    private async Task<int> ReadThenWriteAsync(CommandRun run, string path, Dictionary<string, JsonElement> changes, CancellationToken cancellationToken)
    {
        Secret? current;
        try
        {
            current = await run.Client.ReadAsync(path, null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error doing pre-read at {path}", error);
        }

        if (current is null)
        {
            run.Ui.Error($"No value found at {path}");
            return 2;
        }

        if (KvOutput.MapOf(current.Data, "metadata") is not { } metadata || !metadata.TryGetValue("version", out var version) || !version.TryGetInt64(out var number))
        {
            run.Ui.Error($"No metadata found at {path}; patch only works on existing data");
            return 2;
        }

        if (KvOutput.MapOf(current.Data, "data") is not { } existing)
        {
            run.Ui.Error($"No data found at {path}; patch only works on existing data");
            return 2;
        }

        var merged = new Dictionary<string, JsonElement>(existing, StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }

        return await KvWrites.WriteAsync(run, path, KvWrites.VersionedBody(merged, number), versioned: true, Field, cancellationToken);
    }
}
