using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PluginHost.Seal;

/// <summary>
/// Vault's barrier entry format: <c>[term: 4 bytes, big-endian][version 0x02][nonce: 12][ciphertext][tag: 16]</c>,
/// AES-256-GCM with a fresh random nonce per write and the entry's storage path as associated data, so a ciphertext
/// copied to another path, or changed in one bit, fails to decrypt.
/// </summary>
internal static class BarrierCipher
{
    /// <summary>The size of every key: AES-256.</summary>
    public const int KeySize = 32;

    /// <summary>Vault's version byte for entries whose associated data is their path.</summary>
    public const byte Version = 2;

    private const int TermSize = 4;
    private const int HeaderSize = TermSize + 1;
    private const int NonceSize = 12;
    /// <summary>The GCM tag's size.</summary>
    public const int TagSize = 16;

    // Paths up to this many UTF-8 bytes are encoded on the stack; longer ones (rare) on the heap.
    private const int StackPathBytes = 512;

    /// <summary>What every entry adds to its plaintext.</summary>
    public const int Overhead = HeaderSize + NonceSize + TagSize;

    /// <summary>Encrypts <paramref name="plaintext"/> for <paramref name="path"/> with <paramref name="key"/>.</summary>
    public static byte[] Encrypt(string path, BarrierKey key, ReadOnlySpan<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(key);
        var sealedEntry = new byte[Overhead + plaintext.Length];
        BinaryPrimitives.WriteUInt32BigEndian(sealedEntry, key.Term);
        sealedEntry[TermSize] = Version;
        var nonce = sealedEntry.AsSpan(HeaderSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var aes = key.Rent();
        try
        {
            aes.Encrypt(
                nonce,
                plaintext,
                sealedEntry.AsSpan(HeaderSize + NonceSize, plaintext.Length),
                sealedEntry.AsSpan(sealedEntry.Length - TagSize),
                AssociatedData(path, stackalloc byte[StackPathBytes]));
        }
        finally
        {
            key.Return(aes);
        }

        key.CountEncryption();
        return sealedEntry;
    }

    /// <summary>The term an entry was encrypted with, read from its header.</summary>
    /// <exception cref="CryptographicException">The entry is too short or of another version.</exception>
    public static uint TermOf(string path, ReadOnlySpan<byte> sealedEntry)
    {
        if (sealedEntry.Length < Overhead)
        {
            throw new CryptographicException($"the entry at '{path}' is {sealedEntry.Length} bytes, shorter than any encrypted entry ({Overhead})");
        }

        if (sealedEntry[TermSize] != Version)
        {
            throw new CryptographicException($"the entry at '{path}' has version {sealedEntry[TermSize]}, not {Version}: it was not written by this barrier");
        }

        return BinaryPrimitives.ReadUInt32BigEndian(sealedEntry);
    }

    /// <summary>Decrypts an entry read at <paramref name="path"/> with the key of its term.</summary>
    /// <exception cref="CryptographicException">The entry was changed, moved from another path, or is not an entry.</exception>
    public static byte[] Decrypt(string path, BarrierKey key, ReadOnlySpan<byte> sealedEntry)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(key);
        var term = TermOf(path, sealedEntry);
        if (term != key.Term)
        {
            throw new CryptographicException($"the entry at '{path}' is of term {term}, not {key.Term}");
        }

        var plaintext = new byte[sealedEntry.Length - Overhead];
        var aes = key.Rent();
        try
        {
            aes.Decrypt(
                sealedEntry.Slice(HeaderSize, NonceSize),
                sealedEntry.Slice(HeaderSize + NonceSize, plaintext.Length),
                sealedEntry[^TagSize..],
                plaintext,
                AssociatedData(path, stackalloc byte[StackPathBytes]));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptographicException($"the entry at '{path}' failed its integrity check: it was changed, or copied from another path");
        }
        finally
        {
            key.Return(aes);
        }

        return plaintext;
    }

    // The associated data: the path's UTF-8 bytes, in the stack buffer when they fit.
    private static ReadOnlySpan<byte> AssociatedData(string path, Span<byte> buffer) =>
        Encoding.UTF8.GetMaxByteCount(path.Length) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(path, buffer)]
            : Encoding.UTF8.GetBytes(path);
}
