using System.Text.Json;

namespace PluginHost.Catalog;

/// <summary>Reads and writes catalog entries through <see cref="IStorage"/>: one JSON document per type and name.</summary>
/// <remarks>
/// Keys are <c>core/plugin-catalog/&lt;type&gt;/&lt;name&gt;</c>. Keeping all versions of a name in one document makes
/// replacing or removing one version a single atomic write.
/// </remarks>
internal sealed class CatalogStore(IStorage storage)
{
    /// <summary>The storage folder holding the catalog.</summary>
    public const string Prefix = "core/plugin-catalog/";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    /// <summary>Returns the storage key of the document for <paramref name="type"/> and <paramref name="name"/>.</summary>
    public static string KeyOf(BackendType type, string name) => $"{Prefix}{type.ToName()}/{name}";

    /// <summary>Reads every stored version of one name; empty when none.</summary>
    public async Task<IReadOnlyList<CatalogEntry>> GetVersionsAsync(BackendType type, string name, CancellationToken cancellationToken)
    {
        var key = KeyOf(type, name);
        var stored = await storage.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return stored is null ? [] : Deserialize(key, stored.Value);
    }

    /// <summary>Replaces the stored versions of one name; an empty list deletes the document.</summary>
    public async Task PutVersionsAsync(BackendType type, string name, IReadOnlyList<CatalogEntry> versions, CancellationToken cancellationToken)
    {
        var key = KeyOf(type, name);
        if (versions.Count == 0)
        {
            await storage.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            return;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(new CatalogDocument(versions), JsonOptions);
        await storage.PutAsync(new StorageEntry(key, bytes), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads every stored entry, of one type or of all.</summary>
    public async Task<List<CatalogEntry>> ListAsync(BackendType? type, CancellationToken cancellationToken)
    {
        var folders = type is { } only
            ? [only.ToName() + "/"]
            : await storage.ListAsync(Prefix, cancellationToken).ConfigureAwait(false);
        var entries = new List<CatalogEntry>();
        foreach (var folder in folders)
        {
            if (!folder.EndsWith('/') || !BackendTypeNames.TryParse(folder[..^1], out var folderType))
            {
                continue;
            }

            foreach (var name in await storage.ListAsync(Prefix + folder, cancellationToken).ConfigureAwait(false))
            {
                if (!name.EndsWith('/'))
                {
                    entries.AddRange(await GetVersionsAsync(folderType, name, cancellationToken).ConfigureAwait(false));
                }
            }
        }

        return entries;
    }

    private static IReadOnlyList<CatalogEntry> Deserialize(string key, byte[] value)
    {
        try
        {
            return JsonSerializer.Deserialize<CatalogDocument>(value, JsonOptions)?.Versions ?? [];
        }
        catch (JsonException e)
        {
            throw new PluginHostException(ErrorCode.Internal, $"catalog entry at '{key}' is corrupt: {e.Message}", e);
        }
    }

    /// <summary>The persisted shape: <c>{"versions": [entry, …]}</c>, open to more per-name fields (such as a pinned version).</summary>
    private sealed record CatalogDocument(IReadOnlyList<CatalogEntry> Versions);
}
