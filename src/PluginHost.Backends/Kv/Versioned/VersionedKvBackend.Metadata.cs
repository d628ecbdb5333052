using System.Text.Json;
using PluginHost.Sdk;

namespace PluginHost.Backends;

/// <content>The key settings and listing path, <c>metadata/</c>, the mount's <c>config</c>, and Vault's answer to any other path.</content>
public sealed partial class VersionedKvBackend
{
    private const string CasMandatedWarning =
        "\"cas_required\" set to false, but is mandated by backend config. This value will be ignored.";

    private static readonly string[] KeySettings = ["max_versions", "cas_required", "delete_version_after", "custom_metadata"];

    private PathRoute MetadataRoute() => new()
    {
        Pattern = MetadataRoutePattern(),
        Fields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
        {
            ["path"] = PathField,
            ["max_versions"] = new() { Type = FieldType.Int, Description = "How many versions to keep; 0 to follow the mount (10 when neither says)." },
            ["cas_required"] = new() { Type = FieldType.Bool, Description = "Whether every write must give options.cas." },
            ["delete_version_after"] = new() { Type = FieldType.Duration, Description = "Soft-delete each new version after this long; 0s for never." },
            ["custom_metadata"] = new() { Type = FieldType.Map, Description = "Your own labels: up to 64 string keys and values." },
        },
        Handlers = new Dictionary<Operation, PathHandler>
        {
            [Operation.Read] = Gate(ReadMetadataAsync),
            [Operation.Create] = Gate(WriteMetadataAsync),
            [Operation.Update] = Gate(WriteMetadataAsync),
            [Operation.Patch] = Gate(PatchMetadataAsync),
            [Operation.Delete] = Gate(DeleteMetadataAsync),
            [Operation.List] = Gate(ListAsync),
        },
        ExistenceCheck = GateCheck(KeyExistsAsync),
        Synopsis = "Read, change, list or delete keys with all their versions.",
        Description = "LIST metadata/<folder> lists the keys (and folders, ending with '/'). A write sets the key's settings; "
            + "DELETE removes the key, every version and its metadata for good.",
    };

    private PathRoute ConfigRoute() => new()
    {
        Pattern = ConfigRoutePattern(),
        Fields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
        {
            ["max_versions"] = new() { Type = FieldType.Int, Description = "The number of versions to keep for each key. Defaults to 10" },
            ["cas_required"] = new() { Type = FieldType.Bool, Description = "Whether every write to every key must give options.cas." },
            ["delete_version_after"] = new() { Type = FieldType.String, Description = "Soft-delete each new version after this long; 0s for never; a negative value switches it off for every key." },
        },
        Handlers = new Dictionary<Operation, PathHandler>
        {
            [Operation.Read] = Gate(ReadConfigAsync),
            [Operation.Create] = Gate(WriteConfigAsync),
            [Operation.Update] = Gate(WriteConfigAsync),
        },
        Synopsis = "Configure the mount's defaults for every key.",
    };

    // Vault's pathInvalid: a 404 with a warning saying where the request should have gone.
    private static PathRoute InvalidRoute()
    {
        static PathHandler Answer(string command) => (_, _, _) => ValueTask.FromResult<BackendResponse?>(new BackendResponse
        {
            StatusCode = 404,
            Warnings =
            [
                "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. "
                + $"If using the CLI, use 'plugin-host kv {command}' (or 'vault kv {command}') for this operation.",
            ],
        });

        return new PathRoute
        {
            Pattern = AnyPathPattern(),
            Handlers = new Dictionary<Operation, PathHandler>
            {
                [Operation.Read] = Answer("get"),
                [Operation.Create] = Answer("put"),
                [Operation.Update] = Answer("put"),
                [Operation.Patch] = Answer("patch"),
                [Operation.Delete] = Answer("delete"),
                [Operation.List] = Answer("list"),
            },
            Synopsis = "Not a path of kv version 2: use data/, metadata/, delete/, undelete/, destroy/, subkeys/ or config.",
        };
    }

    private async ValueTask<BackendResponse?> ReadMetadataAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var meta = await _store.GetMetadataAsync(KvKeys.PathOf(fields.GetString("path")), cancellationToken).ConfigureAwait(false);
        return meta is null ? null : BackendResponse.WithData(meta.Describe());
    }

    private async ValueTask<BackendResponse?> ListAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var keys = await _store.ListAsync(KvKeys.FolderOf(fields.GetString("path")), cancellationToken).ConfigureAwait(false);
        return keys.Count == 0 ? null : BackendResponse.ForList(keys);
    }

    private async ValueTask<BackendResponse?> WriteMetadataAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = KvKeys.PathOf(fields.GetString("path"));
        if (!KeySettings.Any(fields.IsSet))
        {
            // Vault writes nothing, not even an empty key, when no setting is given.
            return null;
        }

        var custom = fields.IsSet("custom_metadata") ? CustomMetadata.Parse(fields.GetMap("custom_metadata")) : null;
        return await ChangeMetadataAsync(key, createMissing: true, fields, meta => custom ?? meta.CustomMetadata, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<BackendResponse?> PatchMetadataAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = KvKeys.PathOf(fields.GetString("path"));
        return await ChangeMetadataAsync(key, createMissing: false, fields, meta =>
        {
            if (!fields.IsSet("custom_metadata"))
            {
                return meta.CustomMetadata;
            }

            // A merge patch of the labels: null removes one, anything else sets it.
            var merged = meta.CustomMetadata.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value, BackendsJsonContext.Default.String), StringComparer.Ordinal);
            foreach (var (label, value) in fields.GetMap("custom_metadata"))
            {
                if (value.ValueKind == JsonValueKind.Null)
                {
                    merged.Remove(label);
                }
                else
                {
                    merged[label] = value;
                }
            }

            return CustomMetadata.Parse(merged);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<BackendResponse?> ChangeMetadataAsync(
        string key, bool createMissing, FieldData fields, Func<KvMetadata, Dictionary<string, string>> customMetadata, CancellationToken cancellationToken)
    {
        using var held = await _locks.EnterAsync(key, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var meta = await _store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
        if (meta is null && !createMissing)
        {
            throw new PluginHostException(ErrorCode.NotFound, $"no metadata at '{key}' to patch: write the key or its metadata first");
        }

        meta ??= new KvMetadata { Key = key, CreatedTime = now, UpdatedTime = now };
        meta.CustomMetadata = customMetadata(meta);
        if (fields.IsSet("max_versions"))
        {
            meta.MaxVersions = fields.GetInt("max_versions") is >= 0 and var max
                ? max
                : throw new PluginHostException(ErrorCode.BadRequest, "max_versions cannot be negative; give 0 to follow the mount's setting");
        }

        if (fields.IsSet("cas_required"))
        {
            meta.CasRequired = fields.GetBool("cas_required");
        }

        if (fields.IsSet("delete_version_after"))
        {
            meta.DeleteVersionAfterSeconds = (long)fields.GetDuration("delete_version_after").TotalSeconds;
        }

        await _store.PutMetadataAsync(meta, cancellationToken).ConfigureAwait(false);
        var config = await _store.GetConfigAsync(cancellationToken).ConfigureAwait(false);
        return fields.IsSet("cas_required") && !meta.CasRequired && config.CasRequired
            ? new BackendResponse { Warnings = [CasMandatedWarning] }
            : null;
    }

    private async ValueTask<BackendResponse?> DeleteMetadataAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = KvKeys.PathOf(fields.GetString("path"));
        using var held = await _locks.EnterAsync(key, cancellationToken).ConfigureAwait(false);
        var meta = await _store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
        if (meta is null)
        {
            return null;
        }

        // The versions first: if this stops half-way, the metadata still names what is left, and deleting again finishes.
        foreach (var number in meta.Versions.Keys)
        {
            await _store.DeleteVersionAsync(key, number, cancellationToken).ConfigureAwait(false);
        }

        await _store.DeleteMetadataAsync(key, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> ReadConfigAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var config = await _store.GetConfigAsync(cancellationToken).ConfigureAwait(false);
        return BackendResponse.WithData(
        [
            new("cas_required", config.CasRequired),
            new("delete_version_after", config.DeleteVersionAfterSeconds < 0 ? "-1s" : KvTime.FormatDuration(config.DeleteVersionAfterSeconds)),
            new("max_versions", config.MaxVersions),
        ]);
    }

    private async ValueTask<BackendResponse?> WriteConfigAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var config = await _store.GetConfigAsync(cancellationToken).ConfigureAwait(false);
        if (fields.IsSet("max_versions"))
        {
            config = config with
            {
                MaxVersions = fields.GetInt("max_versions") is >= 0 and var max
                    ? max
                    : throw new PluginHostException(ErrorCode.BadRequest, "max_versions cannot be negative; give 0 for Vault's default of 10"),
            };
        }

        if (fields.IsSet("cas_required"))
        {
            config = config with { CasRequired = fields.GetBool("cas_required") };
        }

        if (fields.IsSet("delete_version_after"))
        {
            // Signed, as Vault's: a negative duration switches the feature off for every key.
            var text = fields.GetString("delete_version_after").Trim();
            config = config with
            {
                DeleteVersionAfterSeconds = text.StartsWith('-')
                    ? -1
                    : DurationParser.Parse("delete_version_after", JsonSerializer.SerializeToElement(text, BackendsJsonContext.Default.String)),
            };
        }

        await _store.PutConfigAsync(config, cancellationToken).ConfigureAwait(false);
        return null;
    }
}
