namespace PluginHost.Storage.PostgreSql;

/// <summary>
/// Vault's row layout: key <c>a/b/c</c> is stored as path <c>/a/b/</c> and key <c>c</c>, with the parent folder
/// <c>/a/</c> kept beside it, so that one indexed query lists a folder's keys and its sub-folders.
/// </summary>
internal static class KeyLayout
{
    /// <summary>Splits a valid storage key into its row's columns.</summary>
    public static (string ParentPath, string Path, string Key) Split(string key)
    {
        var slash = key.LastIndexOf('/');
        if (slash < 0)
        {
            return ("", "/", key);
        }

        var path = "/" + key[..(slash + 1)];
        // A valid key has no empty segment, so the last '/' is not its first character.
        var parentSlash = key.LastIndexOf('/', slash - 1);
        var parentPath = parentSlash < 0 ? "/" : "/" + key[..(parentSlash + 1)];
        return (parentPath, path, key[(slash + 1)..]);
    }

    /// <summary>
    /// The path column of a canonical list prefix (empty, or ending with one <c>/</c>), and the first string after
    /// every path below it: in byte order, the paths starting with <c>/a/b/</c> are exactly those from <c>/a/b/</c>
    /// up to, not including, <c>/a/b0</c> (<c>'0'</c> follows <c>'/'</c>). A range, unlike <c>LIKE '/a/b/%'</c>,
    /// treats <c>_</c> and <c>%</c> in key names as the characters they are.
    /// </summary>
    public static (string Path, string PathsBelowEnd) Folder(string prefix)
    {
        var path = "/" + prefix;
        return (path, string.Concat(path.AsSpan(0, path.Length - 1), "0"));
    }
}
