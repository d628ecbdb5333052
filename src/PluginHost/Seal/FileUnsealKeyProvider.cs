using System.Text;

namespace PluginHost.Seal;

/// <summary>
/// OpenBao's <c>static</c> seal: the unseal key read from a file the operator protects. The file holds 32 random bytes,
/// or them as 64 hex digits or base64 (<c>openssl rand -out key 32</c>); on Unix it must not be readable by other users.
/// </summary>
public sealed class FileUnsealKeyProvider : IUnsealKeyProvider
{
    private const int MaxFileBytes = 4096;

    /// <summary>Reads the key from <paramref name="path"/> when the host starts.</summary>
    /// <param name="path">The key file.</param>
    public FileUnsealKeyProvider(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The key file's absolute path.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    /// <exception cref="PluginHostException">The file is missing, unreadable, open to other users, or not a 32-byte key; the message says how to fix it.</exception>
    public async ValueTask<byte[]> GetUnsealKeyAsync(CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(Path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                throw Refused($"can be read or written by other users: chmod 600 {Path}");
            }

            await using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
            if (file.Length > MaxFileBytes)
            {
                throw Refused($"is {file.Length} bytes: a key file holds 32 bytes, or them as hex or base64");
            }

            content = new byte[file.Length];
            await file.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw Refused($"could not be read: {error.Message}");
        }

        return content.Length == BarrierCipher.KeySize ? content : FromText(content);
    }

    private byte[] FromText(byte[] content)
    {
        var text = Encoding.ASCII.GetString(content).Trim();
        byte[]? key = null;
        if (text.Length == BarrierCipher.KeySize * 2 && text.All(Uri.IsHexDigit))
        {
            key = Convert.FromHexString(text);
        }
        else
        {
            var buffer = new byte[BarrierCipher.KeySize + 3];
            if (Convert.TryFromBase64String(text, buffer, out var written) && written == BarrierCipher.KeySize)
            {
                key = buffer[..BarrierCipher.KeySize];
            }
        }

        return key ?? throw Refused($"holds {content.Length} bytes that are not a 32-byte key: give 32 random bytes, or them as 64 hex digits or base64 (openssl rand -out {Path} 32)");
    }

    private PluginHostException Refused(string reason) =>
        new(ErrorCode.Internal, $"the unseal key file {Path} {reason}");
}
