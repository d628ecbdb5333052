using System.Text.Json;
using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>kv metadata put</c> and <c>kv metadata patch</c>: the key settings given as flags (only those set are sent),
/// written or merge-patched to the key's <c>metadata/</c> path.
/// </summary>
internal abstract class KvMetadataWriteCommand(bool patch) : KvCommand
{
    private IntFlag? _maxVersions;
    private BoolFlag? _casRequired;
    private DurationFlag? _deleteVersionAfter;
    private MapFlag? _customMetadata;
    private StringListFlag? _removeCustomMetadata;

    protected sealed override OutputFlags OutputFlags => OutputFlags.Format;

    protected sealed override void AddKvFlags(FlagSet flags)
    {
        _maxVersions = flags.Add("Common Options", new IntFlag(
            "max-versions",
            "The number of versions to keep. If not set, the backend's configured max version is used.",
            -1));
        _casRequired = flags.Add("Common Options", new BoolFlag(
            "cas-required",
            "If true the key will require the cas parameter to be set on all write requests. If false, the " +
            "backend's configuration will be used."));
        _deleteVersionAfter = flags.Add("Common Options", new DurationFlag(
            "delete-version-after",
            "Specifies the length of time before a version is deleted. If not set, the backend's configured " +
            "delete-version-after is used. Cannot be greater than the backend's delete-version-after. The " +
            "delete-version-after is specified as a numeric string with a suffix like \"30s\" or \"3h25m19s\"."));
        _customMetadata = flags.Add("Common Options", new MapFlag(
            "custom-metadata",
            "Specifies arbitrary version-agnostic key=value metadata meant to describe a secret. This can be " +
            "specified multiple times to add multiple pieces of metadata."));
        if (patch)
        {
            _removeCustomMetadata = flags.Add("Common Options", new StringListFlag(
                "remove-custom-metadata",
                "Key to remove from custom metadata. To specify multiple values, specify this flag multiple times."));
        }
    }

    protected sealed override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
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
            secret = patch ? await run.Client.PatchAsync(path, Body(), cancellationToken) : await run.Client.WriteAsync(path, Body(), cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error writing data to {path}", error);
        }

        return KvWrites.Print(run, path, secret, versioned: false, field: "");
    }

    private Dictionary<string, JsonElement> Body()
    {
        var body = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (_maxVersions!.Value >= 0)
        {
            body["max_versions"] = JsonSerializer.SerializeToElement(_maxVersions.Value);
        }

        if (_casRequired!.IsSet)
        {
            body["cas_required"] = JsonSerializer.SerializeToElement(_casRequired.Value);
        }

        if (_deleteVersionAfter!.IsSet)
        {
            body["delete_version_after"] = JsonSerializer.SerializeToElement($"{(long)_deleteVersionAfter.Value.TotalSeconds}s");
        }

        var custom = _customMetadata!.Values.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);
        foreach (var removed in _removeCustomMetadata?.Values ?? [])
        {
            custom[removed] = null;
        }

        if (custom.Count > 0)
        {
            body["custom_metadata"] = JsonSerializer.SerializeToElement(custom);
        }

        return body;
    }
}

/// <summary><c>plugin-host kv metadata put [flags] KEY</c>: sets a version 2 key's settings, creating its metadata if needed.</summary>
internal sealed class KvMetadataPutCommand() : KvMetadataWriteCommand(patch: false)
{
    public override string Name => "kv metadata put";

    public override string Synopsis => "Sets or updates key settings in the KV store";

    protected override string HelpText => """
        Usage: plugin-host kv metadata put [options] KEY

          This command can be used to create a blank key in the key-value store or to
          update key configuration for a specified key.

          Create a key in the key-value store with no data:

              $ plugin-host kv metadata put -mount=secret foo

          Set a max versions setting on the key:

              $ plugin-host kv metadata put -mount=secret -max-versions=5 foo

          Set custom metadata on the key:

              $ plugin-host kv metadata put -mount=secret -custom-metadata=foo=abc -custom-metadata=bar=123 foo
        """;
}

/// <summary><c>plugin-host kv metadata patch [flags] KEY</c>: changes only the settings given (HTTP PATCH).</summary>
internal sealed class KvMetadataPatchCommand() : KvMetadataWriteCommand(patch: true)
{
    public override string Name => "kv metadata patch";

    public override string Synopsis => "Patches key settings in the KV store";

    protected override string HelpText => """
        Usage: plugin-host kv metadata patch [options] KEY

          This command can be used to update key configuration for a specified key,
          changing only the settings given (it needs the "patch" capability).

              $ plugin-host kv metadata patch -mount=secret -max-versions=5 foo

          Remove custom metadata from the key:

              $ plugin-host kv metadata patch -mount=secret -remove-custom-metadata=bar foo
        """;
}
