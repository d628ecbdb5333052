using System.Text.Json;
using System.Text.RegularExpressions;
using PluginHost.Sdk;

namespace PluginHost.Backends;

/// <summary>
/// A key-value secrets engine like Vault's <c>kv</c> version 1: a write stores its fields as one JSON object under the path,
/// a read answers them, a list answers the keys and folders below a path.
/// </summary>
/// <remarks>
/// Written exactly as a plugin author would write it, on the SDK's <see cref="PathBackend"/>, so the same class runs
/// in-process as a builtin or inside a plugin executable. It keeps no cache: every request goes to storage, so
/// <see cref="IBackend.InvalidateKeyAsync"/> and <see cref="IBackend.CleanupAsync"/> have nothing to do.
/// </remarks>
/// <example>
/// <code>
/// var kv = new KvBackend(new KvBackendOptions { PathPrefix = "kv/", EchoWrites = true });
/// await kv.SetupAsync(config, cancellationToken);
/// await kv.HandleRequestAsync(new BackendRequest { Operation = Operation.Update, Path = "kv/app", Data = fields }, cancellationToken);
/// </code>
/// </example>
public sealed class KvBackend : PathBackend
{
    private const string BackendHelp =
        "The kv backend stores arbitrary secrets as JSON objects, like Vault's kv secrets engine version 1. "
        + "Writing to a key replaces all of its fields; there is no versioning.";

    private readonly string _prefix;
    private readonly bool _echoWrites;

    /// <summary>Creates a kv backend that serves keys at the mount's root and answers nothing to writes.</summary>
    public KvBackend()
        : this(new KvBackendOptions())
    {
    }

    /// <summary>Creates a kv backend.</summary>
    /// <param name="options">The path prefix and whether writes echo their data.</param>
    /// <exception cref="ArgumentException"><see cref="KvBackendOptions.PathPrefix"/> is neither empty nor a valid folder ending with <c>/</c>.</exception>
    public KvBackend(KvBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.PathPrefix ?? "";
        if (prefix.Length > 0 && (!prefix.EndsWith('/') || !StorageKey.IsValid(prefix[..^1])))
        {
            throw new ArgumentException(
                $"PathPrefix '{prefix}' is not a folder: use empty, or '/'-separated segments ending with '/', such as 'kv/'.",
                nameof(options));
        }

        _prefix = prefix;
        _echoWrites = options.EchoWrites;
        Paths = new PathTable(BackendHelp,
        [
            new PathRoute
            {
                Pattern = new Regex("^" + Regex.Escape(prefix) + "(?<key>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline),
                Handlers = new Dictionary<Operation, PathHandler>
                {
                    [Operation.Read] = ReadAsync,
                    [Operation.Create] = WriteAsync,
                    [Operation.Update] = WriteAsync,
                    [Operation.Delete] = DeleteAsync,
                    [Operation.List] = ListAsync,
                },
                ExistenceCheck = ExistsAsync,
                Synopsis = "Pass-through secret storage: read, write, delete and list keys.",
                Description =
                    $"Write any fields to '{prefix}<key>' to store them as one JSON object; a write replaces all earlier fields. "
                    + $"Read '{prefix}<key>' to get them back, delete it to remove them, and list {(prefix.Length == 0 ? "the root (an empty path)" : $"'{prefix}'")} or '{prefix}<folder>/' "
                    + "to see the keys and folders (ending with '/') below it. Keys are '/'-separated; '.' and '..' segments are refused.",
            },
        ]);
    }

    /// <inheritdoc/>
    public override BackendType Type => BackendType.Secret;

    /// <inheritdoc/>
    protected override PathTable Paths { get; }

    private async ValueTask<BackendResponse?> ReadAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = StorageKeyOf(request, "read");
        var entry = await Storage.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : new BackendResponse { Data = KvData.Parse(entry) };
    }

    private async ValueTask<BackendResponse?> WriteAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = StorageKeyOf(request, "write");
        if (request.Data is not { Count: > 0 } data)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "no data provided");
        }

        var entry = new StorageEntry(key, JsonSerializer.SerializeToUtf8Bytes(data, BackendsJsonContext.Default.IReadOnlyDictionaryStringJsonElement));
        await Storage.PutAsync(entry, cancellationToken).ConfigureAwait(false);

        // Echo what was stored, not the caller's elements, which may belong to a document the caller disposes.
        return _echoWrites ? new BackendResponse { Data = KvData.Parse(entry) } : null;
    }

    private async ValueTask<BackendResponse?> DeleteAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = StorageKeyOf(request, "delete");
        await Storage.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> ListAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        // The prefix stays part of the storage key, so listing "kv/" lists storage folder "kv/".
        var folder = StorageKey.NormalizePrefix(request.Path);
        var keys = await Storage.ListAsync(folder, cancellationToken).ConfigureAwait(false);

        // Vault answers 404 to an empty list; null is how a backend says so.
        return keys.Count == 0 ? null : BackendResponse.ForList(keys);
    }

    private async ValueTask<bool> ExistsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var key = StorageKeyOf(request, "write");
        return await Storage.GetAsync(key, cancellationToken).ConfigureAwait(false) is not null;
    }

    private string StorageKeyOf(BackendRequest request, string verb)
    {
        var path = request.Path;
        if (path.Length == _prefix.Length)
        {
            throw new PluginHostException(ErrorCode.BadRequest,
                $"missing key: {verb} a key such as '{_prefix}my-secret', or list '{_prefix}' to see the keys");
        }

        if (path.EndsWith('/'))
        {
            throw new PluginHostException(ErrorCode.BadRequest,
                $"path '{path}' ends with '/', which names a folder: list it, or {verb} a key without the trailing '/'");
        }

        StorageKey.Validate(path);
        return path;
    }
}
