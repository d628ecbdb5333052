using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PluginHost.Tokens;

/// <summary>
/// The tokens a host issues: random <c>hvs.</c> tokens, kept in the host's own storage under the SHA-256 of the token
/// (so a copy of the storage gives no usable token), each with its policies, TTL, accessor and parent. An expired
/// token is deleted when it is next presented; revoking a token revokes the tokens it created.
/// </summary>
/// <remarks>
/// Valid entries are cached in memory (keyed by the token's hash, bounded), so that authenticating a request costs one
/// hash and one dictionary lookup; every revocation goes through this store and evicts the cached entry first.
/// </remarks>
public sealed class TokenStore
{
    /// <summary>The policy that may call every path.</summary>
    public const string RootPolicy = Policies.RootPolicy.Name;

    private const string TokensPrefix = "core/tokens/";
    private const string AccessorsPrefix = "core/token-accessors/";
    private const string ChildrenPrefix = "core/token-children/";

    // Holds the root token's accessor once one was made, so a restart does not make another.
    private const string RootMarkerKey = "core/root-token";
    private const int MaxCachedTokens = 10_000;
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General);

    private readonly IStorage _storage;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, TokenEntry> _cache = new(StringComparer.Ordinal);

    // The storage key of tokens presented lately, so a request does not hash its token again (bounded like the cache).
    private readonly ConcurrentDictionary<string, string> _keys = new(StringComparer.Ordinal);

    // Counts revocations, so a lookup that read storage while a revocation ran does not cache what was revoked.
    private long _revocations;

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

    /// <summary>Issues a token as <paramref name="request"/> says.</summary>
    /// <param name="request">Its policies, TTL, parent and so on.</param>
    /// <param name="cancellationToken">Cancels the storage writes.</param>
    /// <returns>The token (shown once, never stored) and its entry.</returns>
    /// <exception cref="PluginHostException">A token with the requested <see cref="TokenRequest.Id"/> exists already (BadRequest).</exception>
    public async Task<(string Token, TokenEntry Entry)> CreateAsync(TokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.Id ?? "hvs." + RandomText(24);
        var key = KeyOf(token);
        if (request.Id is not null && await _storage.GetAsync(key, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "cannot create a token with a duplicate ID");
        }

        var now = _clock.GetUtcNow();
        var ttl = request.Ttl < TimeSpan.Zero ? TimeSpan.Zero : request.Ttl;
        DateTimeOffset? maxExpire = request.MaxTtl > TimeSpan.Zero ? now + request.MaxTtl : null;
        if (request.NotAfter is { } notAfter && (maxExpire is null || notAfter < maxExpire))
        {
            maxExpire = notAfter;
        }

        DateTimeOffset? expires = ttl > TimeSpan.Zero ? now + ttl : null;
        if (maxExpire is { } cap && (expires is null || cap < expires))
        {
            expires = cap;
        }
        var entry = new TokenEntry
        {
            Accessor = RandomText(24),
            Policies = request.Policies,
            DisplayName = request.DisplayName,
            Path = request.Path,
            Meta = request.Meta,
            CreationTime = now,
            CreationTtl = expires is { } expiry ? expiry - now : TimeSpan.Zero,
            ExpireTime = expires,
            MaxExpireTime = maxExpire,
            ExplicitMaxTtl = request.ExplicitMaxTtl,
            Renewable = request.Renewable,
            ParentAccessor = request.ParentAccessor,
            MountAccessor = request.MountAccessor,
        };

        // The indexes are written first: a crash in between leaves an index that leads nowhere, never a token that
        // its parent's revocation cannot find.
        await _storage.PutAsync(new StorageEntry(AccessorsPrefix + entry.Accessor, Encoding.UTF8.GetBytes(key)), cancellationToken).ConfigureAwait(false);
        if (entry.ParentAccessor is { } parent)
        {
            await _storage.PutAsync(new StorageEntry(ChildrenPrefix + parent + "/" + entry.Accessor, []), cancellationToken).ConfigureAwait(false);
        }

        await PutAsync(key, entry, cancellationToken).ConfigureAwait(false);
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

        var (token, entry) = await CreateRootAsync(null, cancellationToken).ConfigureAwait(false);
        await _storage.PutAsync(new StorageEntry(RootMarkerKey, Encoding.UTF8.GetBytes(entry.Accessor)), cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>Makes a root token (dev mode's <c>-dev-root-token-id</c>, or a random one when <paramref name="id"/> is null).</summary>
    /// <param name="id">The token to make, or null for a random one.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>The token and its entry.</returns>
    public Task<(string Token, TokenEntry Entry)> CreateRootAsync(string? id, CancellationToken cancellationToken = default) =>
        CreateAsync(new TokenRequest { Policies = [RootPolicy], DisplayName = "root", Path = "auth/token/root", Id = id, Renewable = false }, cancellationToken);

    /// <summary>The entry of a valid token, or null when the token is unknown, revoked or expired.</summary>
    /// <param name="token">The token as presented.</param>
    /// <param name="cancellationToken">Cancels the storage read.</param>
    /// <returns>The entry, or null.</returns>
    public ValueTask<TokenEntry?> LookupAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return LookupByKeyAsync(CachedKeyOf(token), cancellationToken);
    }

    /// <summary>
    /// The entry of <paramref name="token"/> when it is cached and valid, without touching storage: what a request served
    /// a moment ago with the same token can reuse. False does not mean the token is invalid; look it up then.
    /// </summary>
    /// <param name="token">The token as presented.</param>
    /// <param name="entry">The cached entry.</param>
    /// <returns>Whether a valid cached entry was found.</returns>
    internal bool TryGetCached(string token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TokenEntry? entry)
    {
        if (_keys.TryGetValue(token, out var key) && _cache.TryGetValue(key, out entry) && !IsExpired(entry))
        {
            return true;
        }

        entry = null;
        return false;
    }

    /// <summary>The entry of a valid token found by its accessor, or null.</summary>
    /// <param name="accessor">The token's accessor.</param>
    /// <param name="cancellationToken">Cancels the storage reads.</param>
    /// <returns>The entry, or null.</returns>
    public async ValueTask<TokenEntry?> LookupByAccessorAsync(string accessor, CancellationToken cancellationToken = default)
    {
        var key = await KeyOfAccessorAsync(accessor, cancellationToken).ConfigureAwait(false);
        return key is null ? null : await LookupByKeyAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Extends a valid token's life to <paramref name="increment"/> from now (its creation TTL when zero), never past its
    /// max expiry. A token that never expires stays so.
    /// </summary>
    /// <param name="accessor">The token's accessor.</param>
    /// <param name="increment">The new TTL from now; zero for the token's creation TTL.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>The renewed entry.</returns>
    /// <exception cref="PluginHostException">The token is unknown or expired, or is not renewable (BadRequest).</exception>
    public async Task<TokenEntry> RenewAsync(string accessor, TimeSpan increment, CancellationToken cancellationToken = default)
    {
        var key = await KeyOfAccessorAsync(accessor, cancellationToken).ConfigureAwait(false);
        var entry = key is null ? null : await LookupByKeyAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "token not found");
        }

        if (!entry.Renewable)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "lease is not renewable");
        }

        if (entry.ExpireTime is null)
        {
            return entry;
        }

        var now = _clock.GetUtcNow();
        var ttl = increment > TimeSpan.Zero ? increment : entry.CreationTtl;
        var expires = now + ttl;
        if (entry.MaxExpireTime is { } cap && expires > cap)
        {
            expires = cap;
        }

        var renewed = entry with { ExpireTime = expires, LastRenewalTime = now };
        await PutAsync(key!, renewed, cancellationToken).ConfigureAwait(false);
        return renewed;
    }

    /// <summary>Revokes the leases issued to a token, given its accessor, when the token is revoked (the host's expiration manager).</summary>
    internal Func<string, CancellationToken, ValueTask>? RevokeLeasesOfToken { get; set; }

    /// <summary>Revokes a token and, recursively, every token it created; a token that does not exist is not an error.</summary>
    /// <param name="token">The token as presented.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>A task that completes when the tokens are gone.</returns>
    public async Task RevokeAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        await RevokeByKeyAsync(CachedKeyOf(token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes the token with <paramref name="accessor"/> and the tokens it created; an unknown accessor is not an error.</summary>
    /// <param name="accessor">The token's accessor.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>A task that completes when the tokens are gone.</returns>
    public async Task RevokeByAccessorAsync(string accessor, CancellationToken cancellationToken = default)
    {
        var key = await KeyOfAccessorAsync(accessor, cancellationToken).ConfigureAwait(false);
        if (key is not null)
        {
            await RevokeByKeyAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The accessors of all stored tokens (some may have expired and not been presented since).</summary>
    /// <param name="cancellationToken">Cancels the storage listing.</param>
    /// <returns>The accessors, sorted.</returns>
    public Task<IReadOnlyList<string>> ListAccessorsAsync(CancellationToken cancellationToken = default) =>
        _storage.ListAsync(AccessorsPrefix, cancellationToken).AsTask();

    private async ValueTask<TokenEntry?> LookupByKeyAsync(string key, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(key, out var cached))
        {
            if (!IsExpired(cached))
            {
                return cached;
            }

            await RevokeByKeyAsync(key, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var revocations = Interlocked.Read(ref _revocations);
        var stored = await _storage.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        var entry = Upgrade(JsonSerializer.Deserialize<TokenEntry>(stored.Value, JsonOptions));
        if (entry is null || IsExpired(entry))
        {
            await RevokeByKeyAsync(key, cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (Interlocked.Read(ref _revocations) == revocations)
        {
            Remember(key, entry);
        }

        return entry;
    }

    private async Task RevokeByKeyAsync(string key, CancellationToken cancellationToken)
    {
        // Out of the cache before anything else, so no request is served by a token being revoked.
        Interlocked.Increment(ref _revocations);
        _cache.TryRemove(key, out var cached);
        var stored = await _storage.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var entry = cached ?? (stored is null ? null : JsonSerializer.Deserialize<TokenEntry>(stored.Value, JsonOptions));
        await _storage.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return;
        }

        if (RevokeLeasesOfToken is { } revokeLeases)
        {
            // Vault revokes what a token was issued with the token; a lease its backend cannot revoke now is kept and retried.
            await revokeLeases(entry.Accessor, cancellationToken).ConfigureAwait(false);
        }

        var childrenPrefix = ChildrenPrefix + entry.Accessor + "/";
        foreach (var child in await _storage.ListAsync(childrenPrefix, cancellationToken).ConfigureAwait(false))
        {
            await RevokeByAccessorAsync(child, cancellationToken).ConfigureAwait(false);
            await _storage.DeleteAsync(childrenPrefix + child, cancellationToken).ConfigureAwait(false);
        }

        if (entry.ParentAccessor is { } parent)
        {
            await _storage.DeleteAsync(ChildrenPrefix + parent + "/" + entry.Accessor, cancellationToken).ConfigureAwait(false);
        }

        await _storage.DeleteAsync(AccessorsPrefix + entry.Accessor, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<string?> KeyOfAccessorAsync(string accessor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accessor);
        if (accessor.Length == 0 || !accessor.All(char.IsAsciiLetterOrDigit))
        {
            return null;
        }

        var stored = await _storage.GetAsync(AccessorsPrefix + accessor, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : Encoding.UTF8.GetString(stored.Value);
    }

    private async Task PutAsync(string key, TokenEntry entry, CancellationToken cancellationToken)
    {
        await _storage.PutAsync(new StorageEntry(key, JsonSerializer.SerializeToUtf8Bytes(entry, JsonOptions)), cancellationToken).ConfigureAwait(false);
        Remember(key, entry);
    }

    private void Remember(string key, TokenEntry entry)
    {
        // A crude bound: enough for the tokens in active use, and never unbounded under a flood of logins.
        if (_cache.Count >= MaxCachedTokens)
        {
            _cache.Clear();
            _keys.Clear();
        }

        _cache[key] = entry;
    }

    private bool IsExpired(TokenEntry entry) => entry.ExpireTime <= _clock.GetUtcNow();

    // Entries stored before expire_time existed carry only their creation TTL.
    private static TokenEntry? Upgrade(TokenEntry? entry) =>
        entry is { ExpireTime: null } && entry.CreationTtl > TimeSpan.Zero ? entry with { ExpireTime = entry.CreationTime + entry.CreationTtl } : entry;

    private string CachedKeyOf(string token)
    {
        if (_keys.TryGetValue(token, out var key))
        {
            return key;
        }

        if (_keys.Count >= MaxCachedTokens)
        {
            _keys.Clear();
        }

        return _keys[token] = KeyOf(token);
    }

    private static string KeyOf(string token) => TokensPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    // Letters and digits only, so tokens survive shells, URLs and headers unquoted.
    private static string RandomText(int length) => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", length);
}
