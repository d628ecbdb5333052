using System.Text.Json;
using PluginHost.Sdk;

namespace PluginHost.Backends;

/// <content>The secret paths: <c>data/</c>, <c>delete/</c>, <c>undelete/</c>, <c>destroy/</c> and <c>subkeys/</c>.</content>
public sealed partial class VersionedKvBackend
{
    private static readonly FieldSchema PathField = new() { Type = FieldType.String, Description = "The key's path." };

    private PathRoute DataRoute() => new()
    {
        Pattern = DataRoutePattern(),
        Fields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
        {
            ["path"] = PathField,
            ["version"] = new() { Type = FieldType.Int, Description = "The version to read; 0 or none for the newest." },
            ["options"] = new() { Type = FieldType.Map, Description = "Write options: 'cas' (check-and-set) makes the write succeed only if the key's current version is this one (0: only if the key has none)." },
            ["data"] = new() { Type = FieldType.Map, Description = "The secret: any JSON object, stored and answered as given." },
        },
        Handlers = new Dictionary<Operation, PathHandler>
        {
            [Operation.Read] = Gate(ReadDataAsync),
            [Operation.Create] = Gate(WriteDataAsync),
            [Operation.Update] = Gate(WriteDataAsync),
            [Operation.Patch] = Gate(PatchDataAsync),
            [Operation.Delete] = Gate(DeleteLatestAsync),
        },
        ExistenceCheck = GateCheck(KeyExistsAsync),
        Synopsis = "Write, patch, read or soft-delete the versions of a key.",
        Description = "A write keeps a new version; a read answers data.data and data.metadata of the newest version, or of ?version=N. "
            + "PATCH (Content-Type: application/merge-patch+json) merges into the newest version and keeps the result as a new one. "
            + "DELETE soft-deletes the newest version.",
    };

    private PathRoute VersionsRoute(System.Text.RegularExpressions.Regex pattern, PathHandler handler, string synopsis) => new()
    {
        Pattern = pattern,
        Fields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
        {
            ["path"] = PathField,
            ["versions"] = new() { Type = FieldType.CommaStringSlice, Description = "The version numbers: [1,2] or \"1,2\"." },
        },
        Handlers = new Dictionary<Operation, PathHandler> { [Operation.Create] = Gate(handler), [Operation.Update] = Gate(handler) },
        Synopsis = synopsis,
    };

    private PathRoute SubkeysRoute() => new()
    {
        Pattern = SubkeysRoutePattern(),
        Fields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
        {
            ["path"] = PathField,
            ["version"] = new() { Type = FieldType.Int, Description = "The version to read; 0 or none for the newest." },
            ["depth"] = new() { Type = FieldType.Int, Description = "How deep to descend into nested objects; 0 for no limit." },
        },
        Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = Gate(ReadSubkeysAsync) },
        Synopsis = "Read the structure of a version's data with every value replaced by null.",
    };

    private async ValueTask<BackendResponse?> ReadDataAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var (key, found) = await FindVersionAsync(fields, cancellationToken).ConfigureAwait(false);
        if (found is not var (meta, number, version))
        {
            return null;
        }

        var metadata = Map(meta.DescribeVersion(number, version));
        if (version.IsGone(_time.GetUtcNow()))
        {
            // Vault's 404 that still tells what happened to the version.
            return new BackendResponse { StatusCode = 404, Data = Data(("data", null), ("metadata", metadata)) };
        }

        var data = await _store.GetVersionAsync(key, number, cancellationToken).ConfigureAwait(false)
            ?? throw new PluginHostException(ErrorCode.Internal, "could not find version data");
        return new BackendResponse { Data = Data(("data", data), ("metadata", metadata)) };
    }

    private async ValueTask<BackendResponse?> ReadSubkeysAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var (key, found) = await FindVersionAsync(fields, cancellationToken).ConfigureAwait(false);
        if (found is not var (meta, number, version))
        {
            return null;
        }

        var metadata = Map(meta.DescribeVersion(number, version));
        if (version.IsGone(_time.GetUtcNow()))
        {
            return new BackendResponse { StatusCode = 404, Data = Data(("subkeys", null), ("metadata", metadata)) };
        }

        var data = await _store.GetVersionAsync(key, number, cancellationToken).ConfigureAwait(false)
            ?? throw new PluginHostException(ErrorCode.Internal, "could not find version data");
        return new BackendResponse { Data = Data(("subkeys", Subkeys.Of(data, fields.GetInt("depth"))), ("metadata", metadata)) };
    }

    private async ValueTask<(string Key, (KvMetadata Meta, long Number, KvVersion Version)? Found)> FindVersionAsync(FieldData fields, CancellationToken cancellationToken)
    {
        var key = KvKeys.PathOf(fields.GetString("path"));
        var meta = await _store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
        if (meta is null)
        {
            return (key, null);
        }

        var asked = fields.GetInt("version");
        var number = asked > 0 ? asked : meta.CurrentVersion;
        return meta.Versions.TryGetValue(number, out var version) ? (key, (meta, number, version)) : (key, null);
    }

    private async ValueTask<BackendResponse?> WriteDataAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = KvKeys.PathOf(fields.GetString("path"));
        var data = DataOf(fields);
        using var held = await _locks.EnterAsync(key, cancellationToken).ConfigureAwait(false);
        var config = await _store.GetConfigAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var meta = await _store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false)
            ?? new KvMetadata { Key = key, CreatedTime = now, UpdatedTime = now };
        CheckAndSet(fields, meta, config);
        return await AddVersionAsync(meta, data, config, now, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<BackendResponse?> PatchDataAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = KvKeys.PathOf(fields.GetString("path"));
        var patch = DataOf(fields);
        using var held = await _locks.EnterAsync(key, cancellationToken).ConfigureAwait(false);
        var config = await _store.GetConfigAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var meta = await _store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
        if (meta is null || !meta.Versions.TryGetValue(meta.CurrentVersion, out var current))
        {
            throw new PluginHostException(ErrorCode.NotFound, $"no secret at '{key}' to patch: a patch changes an existing secret; write it first");
        }

        CheckAndSet(fields, meta, config);
        if (current.IsGone(now))
        {
            return new BackendResponse { StatusCode = 404, Data = Map(meta.DescribeVersion(meta.CurrentVersion, current)) };
        }

        var existing = await _store.GetVersionAsync(key, meta.CurrentVersion, cancellationToken).ConfigureAwait(false)
            ?? throw new PluginHostException(ErrorCode.Internal, "could not find version data");
        return await AddVersionAsync(meta, JsonMergePatch.Apply(existing, patch), config, now, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<BackendResponse> AddVersionAsync(
        KvMetadata meta, IReadOnlyDictionary<string, JsonElement> data, KvConfig config, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (number, version, trimmed) = meta.AddVersion(now, config);

        // The data first: metadata never names a version whose data was not written.
        await _store.PutVersionAsync(meta.Key, number, data, cancellationToken).ConfigureAwait(false);
        await _store.PutMetadataAsync(meta, cancellationToken).ConfigureAwait(false);
        var response = new BackendResponse { Data = Map(meta.DescribeVersion(number, version)) };
        try
        {
            foreach (var old in trimmed)
            {
                await _store.DeleteVersionAsync(meta.Key, old, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is PluginHostException or IOException)
        {
            // The write stands; the trimmed versions are no longer in the metadata, so nothing can read them.
            return response with { Warnings = [$"error occurred when cleaning up old versions, these will be cleaned up on next write: {e.Message}"] };
        }

        return response;
    }

    private async ValueTask<BackendResponse?> DeleteLatestAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = KvKeys.PathOf(fields.GetString("path"));
        await ChangeVersionsAsync(key, meta => [meta.CurrentVersion], (version, now, _) =>
            version.Destroyed || version.DeletionTime <= now ? null : version with { DeletionTime = now }, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> DeleteVersionsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = KvKeys.PathOf(fields.GetString("path"));
        var versions = KvKeys.VersionsOf(fields.GetStrings("versions"), "No version number provided");
        await ChangeVersionsAsync(key, _ => versions, (version, now, _) =>
            version.Destroyed || version.DeletionTime <= now ? null : version with { DeletionTime = now }, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> UndeleteVersionsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = KvKeys.PathOf(fields.GetString("path"));
        var versions = KvKeys.VersionsOf(fields.GetStrings("versions"), "No version number provided");

        // An undeleted version gets a new deletion time when delete_version_after applies, counted from now.
        await ChangeVersionsAsync(key, _ => versions, (version, now, deleteAfter) =>
            version.Destroyed ? null : version with { DeletionTime = deleteAfter > 0 ? now.AddSeconds(deleteAfter) : null }, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> DestroyVersionsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = KvKeys.PathOf(fields.GetString("path"));
        var versions = KvKeys.VersionsOf(fields.GetStrings("versions"), "no version number provided");
        var destroyed = await ChangeVersionsAsync(key, _ => versions, (version, _, _) =>
            version.Destroyed ? null : version with { Destroyed = true }, cancellationToken).ConfigureAwait(false);

        // The metadata says destroyed first, so a failure here leaves unreadable data behind, never readable data.
        foreach (var number in destroyed)
        {
            await _store.DeleteVersionAsync(key, number, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    // Applies a change to each named version that exists, under the key's lock; returns the versions changed.
    private async ValueTask<IReadOnlyList<long>> ChangeVersionsAsync(
        string key, Func<KvMetadata, IReadOnlyList<long>> select, Func<KvVersion, DateTimeOffset, long, KvVersion?> change, CancellationToken cancellationToken)
    {
        using var held = await _locks.EnterAsync(key, cancellationToken).ConfigureAwait(false);
        var meta = await _store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
        if (meta is null)
        {
            return [];
        }

        var config = await _store.GetConfigAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var deleteAfter = meta.DeleteAfter(config);
        var changed = new List<long>();
        foreach (var number in select(meta).Distinct())
        {
            if (meta.Versions.TryGetValue(number, out var version) && change(version, now, deleteAfter) is { } updated)
            {
                meta.Versions[number] = updated;
                changed.Add(number);
            }
        }

        if (changed.Count > 0)
        {
            await _store.PutMetadataAsync(meta, cancellationToken).ConfigureAwait(false);
        }

        return changed;
    }

    private static IReadOnlyDictionary<string, JsonElement> DataOf(FieldData fields) =>
        fields.IsSet("data") ? fields.GetMap("data") : throw new PluginHostException(ErrorCode.BadRequest, "no data provided");

    // Vault's validateCheckAndSetOption: options.cas must match the current version; required when the mount or key says so.
    private static void CheckAndSet(FieldData fields, KvMetadata meta, KvConfig config)
    {
        var cas = fields.IsSet("options") ? KvKeys.CasOf(fields.GetMap("options")) : null;
        if (cas is null && (config.CasRequired || meta.CasRequired))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "check-and-set parameter required for this call");
        }

        if (cas is { } expected && expected != meta.CurrentVersion)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "check-and-set parameter did not match the current version");
        }
    }

    private static Dictionary<string, JsonElement> Map(IEnumerable<KeyValuePair<string, object?>> values) =>
        new(BackendResponse.WithData(values).Data!, StringComparer.Ordinal);

    // Secrets and nested answers are JSON already; they are written through the source-generated context, so the
    // backend also works in a trimmed plugin.
    private static Dictionary<string, JsonElement> Data(params (string Key, object? Value)[] values) =>
        values.ToDictionary(
            v => v.Key,
            v => v.Value is IReadOnlyDictionary<string, JsonElement> map
                ? JsonSerializer.SerializeToElement(map, BackendsJsonContext.Default.IReadOnlyDictionaryStringJsonElement)
                : v.Value is JsonElement element ? element : DataValues(v.Value),
            StringComparer.Ordinal);

    private static JsonElement DataValues(object? value) => BackendResponse.WithData([new("value", value)]).Data!["value"];
}
