using System.Text;
using System.Text.Json;

namespace PluginHost.Leases;

/// <summary>
/// The leases in the host's storage (behind the barrier when there is one): each at <c>sys/expire/id/&lt;lease_id&gt;</c>,
/// and indexed by its token at <c>sys/expire/token/&lt;accessor&gt;/&lt;lease id, base64url&gt;</c>, as Vault keeps them.
/// </summary>
internal sealed class LeaseStore(IStorage storage)
{
    private const string IdPrefix = "sys/expire/id/";
    private const string TokenPrefix = "sys/expire/token/";

    /// <summary>Writes the lease, and its token index entry first, so a lease is never stored without it.</summary>
    public async ValueTask PutAsync(LeaseEntry lease, CancellationToken cancellationToken)
    {
        if (lease.TokenAccessor is { } accessor)
        {
            await storage.PutAsync(new StorageEntry(TokenIndexKey(accessor, lease.LeaseId), []), cancellationToken).ConfigureAwait(false);
        }

        await storage.PutAsync(new StorageEntry(IdPrefix + lease.LeaseId, JsonSerializer.SerializeToUtf8Bytes(lease, LeaseJsonContext.Default.LeaseEntry)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lease, or <see langword="null"/>.</summary>
    public async ValueTask<LeaseEntry?> GetAsync(string leaseId, CancellationToken cancellationToken)
    {
        // An id no lease could have (a client's typo, an empty segment, "..") is simply not a lease.
        if (!StorageKey.IsValid(IdPrefix + leaseId))
        {
            return null;
        }

        var entry = await storage.GetAsync(IdPrefix + leaseId, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : JsonSerializer.Deserialize(entry.Value, LeaseJsonContext.Default.LeaseEntry);
    }

    /// <summary>Deletes the lease, then its token index entry (an index entry left by a crash is what tidy removes).</summary>
    public async ValueTask DeleteAsync(LeaseEntry lease, CancellationToken cancellationToken)
    {
        await storage.DeleteAsync(IdPrefix + lease.LeaseId, cancellationToken).ConfigureAwait(false);
        if (lease.TokenAccessor is { } accessor)
        {
            await storage.DeleteAsync(TokenIndexKey(accessor, lease.LeaseId), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every lease id, walking <c>sys/expire/id/</c>.</summary>
    public async IAsyncEnumerable<string> IdsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var key in StorageWalk.KeysAsync(storage, IdPrefix, cancellationToken).ConfigureAwait(false))
        {
            yield return key[IdPrefix.Length..];
        }
    }

    /// <summary>The ids of the leases indexed under a token's accessor.</summary>
    public async ValueTask<IReadOnlyList<string>> IdsOfTokenAsync(string accessor, CancellationToken cancellationToken) =>
        [.. (await storage.ListAsync(TokenPrefix + accessor + "/", cancellationToken).ConfigureAwait(false)).Select(FromKeySegment)];

    /// <summary>The accessors that have index entries.</summary>
    public async ValueTask<IReadOnlyList<string>> IndexedTokensAsync(CancellationToken cancellationToken) =>
        [.. (await storage.ListAsync(TokenPrefix, cancellationToken).ConfigureAwait(false)).Select(name => name.TrimEnd('/'))];

    /// <summary>Removes one token index entry (tidy).</summary>
    public ValueTask DeleteIndexAsync(string accessor, string leaseId, CancellationToken cancellationToken) =>
        storage.DeleteAsync(TokenIndexKey(accessor, leaseId), cancellationToken);

    // A lease id holds '/': one key segment needs it encoded.
    private static string TokenIndexKey(string accessor, string leaseId) =>
        TokenPrefix + accessor + "/" + Convert.ToBase64String(Encoding.UTF8.GetBytes(leaseId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromKeySegment(string segment)
    {
        var base64 = segment.Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
    }
}
