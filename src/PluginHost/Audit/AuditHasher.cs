using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace PluginHost.Audit;

/// <summary>
/// Vault's audit hashing (<c>salt.GetIdentifiedHMAC</c>): HMAC-SHA256 of the UTF-8 value keyed with the device's salt,
/// written <c>hmac-sha256:</c> followed by the lowercase hex digest. The same value hashes the same on every entry and
/// in <c>sys/audit-hash</c>, so an operator can find a known secret in the log without the log holding it.
/// </summary>
/// <remarks>
/// <see cref="Hash(string)"/> is safe for concurrent use. The span overloads reuse one keyed HMAC (no key setup per
/// value, several times faster on OpenSSL) and work in caller-provided buffers: the owning device calls them under its
/// lock, one entry at a time.
/// </remarks>
internal sealed class AuditHasher : IDisposable
{
    /// <summary>The length of a hashed value: the prefix and 64 hex digits.</summary>
    public const int HashedLength = 12 + (2 * SHA256.HashSizeInBytes);

    // Inputs up to this many UTF-8 bytes are encoded on the stack; longer ones borrow a pooled array.
    private const int StackLimit = 512;

    // Tokens and accessors recur on every entry of their holder: each is hashed once, then copied (bounded).
    private const int MaxRememberedTokens = 4096;

    private readonly byte[] _key;
    private readonly IncrementalHash _hmac;
    private readonly Dictionary<string, byte[]> _tokens = new(StringComparer.Ordinal);

    /// <summary>Creates a hasher over <paramref name="salt"/>.</summary>
    /// <param name="salt">The device's salt, the HMAC key.</param>
    public AuditHasher(byte[] salt)
    {
        ArgumentNullException.ThrowIfNull(salt);
        _key = salt;
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, salt);
    }

    private static ReadOnlySpan<byte> Prefix => "hmac-sha256:"u8;

    /// <summary>Hashes <paramref name="value"/> into a new string, for <c>sys/audit-hash</c>; safe for concurrent use.</summary>
    /// <param name="value">The value.</param>
    /// <returns><c>hmac-sha256:</c> and the hex digest.</returns>
    public string Hash(string value)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value), digest);
        return "hmac-sha256:" + Convert.ToHexStringLower(digest);
    }

    /// <summary>Hashes a UTF-16 value into <paramref name="destination"/>; one caller at a time.</summary>
    /// <param name="value">The value.</param>
    /// <param name="destination">At least <see cref="HashedLength"/> bytes; receives ASCII.</param>
    public void Hash(ReadOnlySpan<char> value, Span<byte> destination)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var utf8 = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, utf8);
            Hash((ReadOnlySpan<byte>)utf8[..length], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Hashes a UTF-8 value into <paramref name="destination"/>; one caller at a time.</summary>
    /// <param name="utf8">The value's UTF-8 bytes.</param>
    /// <param name="destination">At least <see cref="HashedLength"/> bytes; receives ASCII.</param>
    public void Hash(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        _hmac.AppendData(utf8);
        _hmac.GetHashAndReset(digest);
        Prefix.CopyTo(destination);
        Convert.TryToHexStringLower(digest, destination[Prefix.Length..], out _);
    }

    /// <summary>
    /// The hashed form of a token or accessor, computed once per value while it is among the last
    /// <see cref="MaxRememberedTokens"/> seen; one caller at a time, as the span overloads.
    /// </summary>
    /// <param name="value">A token or accessor.</param>
    /// <returns>ASCII bytes, <see cref="HashedLength"/> long.</returns>
    public ReadOnlySpan<byte> HashToken(string value)
    {
        if (_tokens.TryGetValue(value, out var hashed))
        {
            return hashed;
        }

        if (_tokens.Count >= MaxRememberedTokens)
        {
            _tokens.Clear();
        }

        hashed = new byte[HashedLength];
        Hash(value.AsSpan(), hashed);
        _tokens[value] = hashed;
        return hashed;
    }

    /// <summary>Releases the keyed HMAC.</summary>
    public void Dispose() => _hmac.Dispose();
}
