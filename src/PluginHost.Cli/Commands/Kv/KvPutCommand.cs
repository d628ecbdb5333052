using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host kv put [-mount=M] [-cas=N] KEY K=V...</c>: writes a kv secret (a new version on version 2).</summary>
internal sealed class KvPutCommand : KvCommand
{
    private IntFlag? _cas;

    public override string Name => "kv put";

    public override string Synopsis => "Sets or updates data in the KV store";

    protected override OutputFlags OutputFlags => OutputFlags.Format | OutputFlags.Field;

    protected override string HelpText => """
        Usage: plugin-host kv put [options] KEY [DATA]

          Writes the data to the given path in the key-value store. The data can be of
          any type.

              $ plugin-host kv put -mount=secret foo bar=baz

          The deprecated path-like syntax can also be used, but this should be avoided
          for KV v2, as the fact that it is not actually the full API path to
          the secret (secret/data/foo) can cause confusion:

              $ plugin-host kv put secret/foo bar=baz

          The data can also be consumed from a file on disk by prefixing with the "@"
          symbol. For example:

              $ plugin-host kv put -mount=secret foo @data.json

          Or it can be read from stdin using the "-" symbol:

              $ echo "abcd1234" | plugin-host kv put -mount=secret foo bar=-
        """;

    protected override void AddKvFlags(FlagSet flags) =>
        _cas = flags.Add("Common Options", new IntFlag(
            "cas",
            "Specifies to use a Check-And-Set operation. If not set the write will be allowed. If set to 0 a write " +
            "will only be allowed if the key doesn't exist. If the index is non-zero the write will only be allowed " +
            "if the key's current version matches the version specified in the cas parameter.",
            -1));

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count == 0)
        {
            run.Ui.Error($"Not enough arguments (expected >1, got {args.Count})");
            return 1;
        }

        if (args.Count == 1)
        {
            run.Ui.Error("Must supply data");
            return 1;
        }

        var data = DataArguments.Parse(run, args.Skip(1)).ToData();
        if (await ResolveAsync(run, args[0], cancellationToken) is not { } target)
        {
            return 2;
        }

        var versioned = target.Mount.IsVersioned;
        var path = versioned ? target.Under("data") : target.V1Path;
        return await KvWrites.WriteAsync(run, path, versioned ? KvWrites.VersionedBody(data, _cas!.Value >= 0 ? _cas.Value : null) : data, versioned, Field, cancellationToken);
    }
}
