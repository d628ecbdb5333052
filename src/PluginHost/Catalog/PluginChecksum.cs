using System.Buffers;
using System.Security.Cryptography;

namespace PluginHost.Catalog;

/// <summary>Validates SHA-256 digests and hashes plugin binaries.</summary>
internal static class PluginChecksum
{
    /// <summary>How much of the file is read at a time: plugin binaries can be tens of megabytes.</summary>
    private const int BufferSize = 1024 * 1024;

    /// <summary>Checks that <paramref name="sha256"/> is 64 hexadecimal characters and returns it in lower case.</summary>
    /// <exception cref="PluginHostException">The digest is missing, has the wrong length or a non-hexadecimal character.</exception>
    public static string Normalize(string? sha256)
    {
        if (string.IsNullOrEmpty(sha256))
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                "sha256 is required: give the plugin binary's SHA-256 digest as 64 hexadecimal characters (for example from 'sha256sum')");
        }

        if (sha256.Length != 64)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"sha256 must be 64 hexadecimal characters, got {sha256.Length}");
        }

        for (var i = 0; i < sha256.Length; i++)
        {
            if (!char.IsAsciiHexDigit(sha256[i]))
            {
                var shown = sha256[i] == '\0' ? "\\0" : sha256[i].ToString();
                throw new PluginHostException(
                    ErrorCode.BadRequest,
                    $"sha256 contains a non-hexadecimal character '{shown}' at position {i}; use only 0-9 and a-f");
            }
        }

        return sha256.ToLowerInvariant();
    }

    /// <summary>Streams the file at <paramref name="path"/> through SHA-256 and returns the digest in lower-case hex.</summary>
    /// <exception cref="PluginHostException">The file is not a regular, non-empty file, or cannot be opened.</exception>
    public static Task<string> ComputeAsync(string path, CancellationToken cancellationToken) =>
        HashAsync(path, $"'{path}'", copyTo: null, cancellationToken);

    /// <summary>Hashes the file at <paramref name="path"/> and, when given, writes the very bytes it hashed to <paramref name="copyTo"/>.</summary>
    /// <returns>The SHA-256 in lower-case hex.</returns>
    public static Task<string> HashAsync(string path, Stream? copyTo, CancellationToken cancellationToken) =>
        HashAsync(path, $"'{path}'", copyTo, cancellationToken);

    /// <summary>Like <see cref="HashAsync(string, Stream?, CancellationToken)"/>, naming the file as <paramref name="what"/> in errors.</summary>
    /// <remarks>
    /// The file is opened by <see cref="PluginFile.OpenRegular"/>: never blocking, and read from the very descriptor whose
    /// type was checked, so a FIFO or device swapped in after the caller's checks is refused instead of hanging the call.
    /// </remarks>
    /// <exception cref="PluginHostException">The file is not a regular, non-empty file, or cannot be opened.</exception>
    public static async Task<string> HashAsync(string path, string what, Stream? copyTo, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var file = PluginFile.OpenRegular(path, what);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long offset = 0;
            int read;
            while ((read = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, BufferSize), offset, cancellationToken).ConfigureAwait(false)) > 0)
            {
                offset += read;
                hash.AppendData(buffer, 0, read);
                if (copyTo is not null)
                {
                    await copyTo.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hashes the file at <paramref name="path"/> and throws unless it matches <paramref name="entry"/>'s digest.</summary>
    /// <exception cref="PluginHostException"><c>checksums did not match</c>, naming the plugin and both digests.</exception>
    public static async Task VerifyAsync(CatalogEntry entry, string path, CancellationToken cancellationToken)
    {
        var expected = Normalize(entry.Sha256);
        var actual = await HashAsync(path, $"command '{entry.Command}'", copyTo: null, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(actual, expected, StringComparison.Ordinal))
        {
            throw Mismatch(entry, path, actual);
        }
    }

    /// <summary>The <c>checksums did not match</c> error, naming the plugin, the file and both digests.</summary>
    public static PluginHostException Mismatch(CatalogEntry entry, string path, string actual)
    {
        var versionPart = entry.Version is null ? "" : $" version {entry.Version}";
        return new PluginHostException(
            ErrorCode.BadRequest,
            $"checksums did not match for {entry.Type.ToName()} plugin '{entry.Name}'{versionPart}: expected sha256 {Normalize(entry.Sha256)}, but '{path}' hashes to {actual}; if the binary was upgraded on purpose, register it again with the new sha256");
    }
}
