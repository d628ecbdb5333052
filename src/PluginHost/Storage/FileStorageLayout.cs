using System.Text;

namespace PluginHost.Storage;

/// <summary>How <see cref="FileStorage"/> maps keys to paths in its directory.</summary>
/// <remarks>
/// Like Vault's file backend, the value of key <c>x/y/z</c> lives in file <c>x/y/_z</c>: leaf files get a <c>_</c>
/// prefix and folders are plain directories, so a key <c>a/b</c> and a folder <c>a/b/</c> can coexist. Unlike Vault's,
/// a folder whose name starts with <c>_</c>, <c>.</c> or <c>~</c> is stored with an extra leading <c>~</c>: otherwise
/// folder <c>_z/</c> would collide with the file of key <c>z</c>, and a folder <c>.lock/</c> or <c>.tmp-…/</c> with the
/// host's own lock and temp files. On disk, names starting with <c>.</c> therefore always belong to the host.
/// </remarks>
internal static class FileStorageLayout
{
    /// <summary>The longest key segment accepted, in UTF-8 bytes; with the one-byte marker it stays under the usual 255-byte file name limit.</summary>
    public const int MaxSegmentBytes = 250;

    public const string LockFileName = ".lock";

    public const string TempFilePrefix = ".tmp-";

    private const char FilePrefix = '_';

    private const char FolderEscape = '~';

    /// <summary>Returns the file that holds <paramref name="key"/>, after validating it.</summary>
    public static string FilePath(string root, string key)
    {
        StorageKey.Validate(key);
        var segments = key.Split('/');
        var parts = new string[segments.Length + 1];
        parts[0] = root;
        for (var i = 0; i < segments.Length; i++)
        {
            CheckSegmentLength(key, segments[i]);
            parts[i + 1] = i == segments.Length - 1 ? FilePrefix + segments[i] : EncodeFolder(segments[i]);
        }

        return Path.Join(parts);
    }

    /// <summary>Returns the directory of a folder given in the canonical form of <see cref="StorageKey.NormalizePrefix"/>.</summary>
    public static string FolderPath(string root, string normalizedPrefix)
    {
        if (normalizedPrefix.Length == 0)
        {
            return root;
        }

        var segments = normalizedPrefix[..^1].Split('/');
        var parts = new string[segments.Length + 1];
        parts[0] = root;
        for (var i = 0; i < segments.Length; i++)
        {
            CheckSegmentLength(normalizedPrefix, segments[i]);
            parts[i + 1] = EncodeFolder(segments[i]);
        }

        return Path.Join(parts);
    }

    /// <summary>Returns the key name a file stands for, or <see langword="null"/> for the host's own files.</summary>
    public static string? KeyNameOfFile(string fileName) => fileName.StartsWith(FilePrefix) ? fileName[1..] : null;

    /// <summary>Returns the folder name a directory stands for, or <see langword="null"/> for the host's own entries.</summary>
    public static string? FolderNameOfDirectory(string directoryName) => directoryName switch
    {
        [FolderEscape, ..] => directoryName[1..],
        [FilePrefix, ..] or ['.', ..] => null,
        _ => directoryName,
    };

    /// <summary>Whether an entry found on disk is the lock file, a temp file or anything else that is not data.</summary>
    public static bool IsHostEntry(string name) => name.StartsWith('.');

    private static string EncodeFolder(string segment) =>
        segment[0] is FilePrefix or '.' or FolderEscape ? FolderEscape + segment : segment;

    private static void CheckSegmentLength(string key, string segment)
    {
        var bytes = Encoding.UTF8.GetByteCount(segment);
        if (bytes > MaxSegmentBytes)
        {
            var shown = segment.Length > 40 ? segment[..40] + "…" : segment;
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"storage key '{key}' has a segment '{shown}' of {bytes} UTF-8 bytes; file storage allows at most {MaxSegmentBytes} bytes per segment (a file name), so split it with '/' or shorten it");
        }
    }
}
