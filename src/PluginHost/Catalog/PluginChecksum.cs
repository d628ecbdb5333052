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
    public static Task<string> ComputeAsync(string path, CancellationToken cancellationToken) =>
        HashAsync(path, copyTo: null, cancellationToken);

    /// <summary>Hashes the file at <paramref name="path"/> and, when given, writes the very bytes it hashed to <paramref name="copyTo"/>.</summary>
    /// <returns>The SHA-256 in lower-case hex.</returns>
    public static async Task<string> HashAsync(string path, Stream? copyTo, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var stream = new FileStream(
                path,
                FileMode.Open,
                FileAccess.Read,
                FileShare.Read,
                bufferSize: 0,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    if (copyTo is not null)
                    {
                        await copyTo.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
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
        var actual = await ComputeAsync(path, cancellationToken).ConfigureAwait(false);
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
