using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace PluginHost.Tokens;

/// <summary>
/// What a mounted backend sees instead of the caller's token (Vault's salted token id): HMAC-SHA256 of the token
/// keyed per mount, hex. A backend can tell two requests of one token apart from others' and key its own state by it,
/// but cannot use it as a token, and two mounts see unrelated ids for the same token. The per-mount key is derived
/// from a random host secret kept in the host's storage (never in a mount's view) and the mount's uuid, so the id
/// survives restarts and remounts.
/// </summary>
internal sealed class ClientTokenIds(IStorage storage)
{
    private const string SecretKey = "core/client-token-id-secret";

    private readonly ConcurrentDictionary<string, byte[]> _mountKeys = new(StringComparer.Ordinal);
    private Task<byte[]>? _secret;

    /// <summary>The id mount <paramref name="mountUuid"/> is given for <paramref name="token"/>.</summary>
    public async ValueTask<string> ForMountAsync(string token, string mountUuid, CancellationToken cancellationToken)
    {
        if (!_mountKeys.TryGetValue(mountUuid, out var key))
        {
            var secret = await SecretAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            key = _mountKeys.GetOrAdd(mountUuid, uuid => HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(uuid)));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(token)));
    }

    private Task<byte[]> SecretAsync()
    {
        var loading = LazyInitializer.EnsureInitialized(ref _secret, LoadOrCreateAsync);
        if (loading.IsFaulted)
        {
            Interlocked.CompareExchange(ref _secret, null, loading);
        }

        return loading;
    }

    private async Task<byte[]> LoadOrCreateAsync()
    {
        if (await storage.GetAsync(SecretKey, CancellationToken.None).ConfigureAwait(false) is { } stored)
        {
            return stored.Value.ToArray();
        }

        var secret = RandomNumberGenerator.GetBytes(32);
        await storage.PutAsync(new StorageEntry(SecretKey, secret), CancellationToken.None).ConfigureAwait(false);
        return secret;
    }
}
