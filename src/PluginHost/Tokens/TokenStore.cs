using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PluginHost.Tokens;

/// <summary>
/// The tokens a host issues after logins: random <c>hvs.</c> tokens, kept in the host's own storage under the SHA-256
/// of the token (so a copy of the storage gives no usable token), each with its policies and TTL. An expired token
/// is deleted when it is next presented.
/// </summary>
public sealed class TokenStore
{
    /// <summary>The policy that may call every path.</summary>
    public const string RootPolicy = "root";

    private const string Prefix = "core/tokens/";

    // Holds the root token's accessor once one was made, so a restart does not make another.
    private const string RootMarkerKey = "core/root-token";
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General);

    private readonly IStorage _storage;
    private readonly TimeProvider _clock;

    /// <summary>Creates the store over <paramref name="storage"/> (the host's own).</summary>
    /// <param name="storage">Where entries are kept.</param>
    /// <param name="clock">The clock that decides expiry.</param>
    public TokenStore(IStorage storage, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(clock);
        _storage = storage;
        _clock = clock;
    }

    /// <summary>Issues a token.</summary>
    /// <param name="policies">Its policies.</param>
    /// <param name="ttl">How long it is valid; <see cref="TimeSpan.Zero"/> for ever.</param>
    /// <param name="displayName">Who it is for.</param>
    /// <param name="path">The path that created it.</param>
    /// <param name="meta">The login's metadata.</param>
    /// <param name="cancellationToken">Cancels the storage write.</param>
    /// <returns>The token (shown once, never stored) and its entry.</returns>
    public async Task<(string Token, TokenEntry Entry)> CreateAsync(
        IReadOnlyList<string> policies, TimeSpan ttl, string displayName, string path, IReadOnlyDictionary<string, string>? meta, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var token = "hvs." + RandomText(24);
        var entry = new TokenEntry
        {
            Accessor = RandomText(24),
            Policies = policies,
            DisplayName = displayName,
            Path = path,
            Meta = meta,
            CreationTime = _clock.GetUtcNow(),
            CreationTtl = ttl < TimeSpan.Zero ? TimeSpan.Zero : ttl,
        };
        await _storage.PutAsync(new StorageEntry(KeyOf(token), JsonSerializer.SerializeToUtf8Bytes(entry, JsonOptions)), cancellationToken).ConfigureAwait(false);
        return (token, entry);
    }

    /// <summary>
    /// Makes the root token the first time a host is initialized (Vault's <c>operator init</c>): a token with the
    /// <c>root</c> policy that never expires. Later calls make nothing: the token is shown once, and only its hash is kept.
    /// </summary>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>The new root token, or null when the storage already had one.</returns>
    public async Task<string?> InitializeRootAsync(CancellationToken cancellationToken = default)
    {
        if (await _storage.GetAsync(RootMarkerKey, cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        var (token, entry) = await CreateAsync([RootPolicy], TimeSpan.Zero, "root", "auth/token/root", null, cancellationToken).ConfigureAwait(false);
        await _storage.PutAsync(new StorageEntry(RootMarkerKey, System.Text.Encoding.UTF8.GetBytes(entry.Accessor)), cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>The entry of a valid token, or null when the token is unknown, revoked or expired.</summary>
    /// <param name="token">The token as presented.</param>
    /// <param name="cancellationToken">Cancels the storage read.</param>
    public async Task<TokenEntry?> LookupAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var stored = await _storage.GetAsync(KeyOf(token), cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        var entry = JsonSerializer.Deserialize<TokenEntry>(stored.Value, JsonOptions);
        if (entry is null || entry.ExpireTime <= _clock.GetUtcNow())
        {
            await _storage.DeleteAsync(stored.Key, cancellationToken).ConfigureAwait(false);
            return null;
        }

        return entry;
    }

    /// <summary>Revokes a token; a token that does not exist is not an error.</summary>
    /// <param name="token">The token as presented.</param>
    /// <param name="cancellationToken">Cancels the storage delete.</param>
    public Task RevokeAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _storage.DeleteAsync(KeyOf(token), cancellationToken).AsTask();
    }

    private static string KeyOf(string token) => Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    // Letters and digits only, so tokens survive shells, URLs and headers unquoted.
    private static string RandomText(int length) => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", length);
}
