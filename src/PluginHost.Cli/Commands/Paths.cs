namespace PluginHost.Cli.Commands;

/// <summary>Vault's CLI path helpers: <c>sanitizePath</c> and <c>ensureTrailingSlash</c>.</summary>
internal static class Paths
{
    /// <summary>Trims spaces and every leading and trailing <c>/</c>: <c>/secret/foo/</c> → <c>secret/foo</c>.</summary>
    public static string Sanitize(string path) => path.Trim().Trim('/');

    /// <summary>Trims spaces and makes the path end with one <c>/</c> (empty stays empty).</summary>
    public static string EnsureTrailingSlash(string path)
    {
        var trimmed = path.Trim();
        return trimmed.Length == 0 || trimmed.EndsWith('/') ? trimmed : trimmed + "/";
    }

    /// <summary>A mount path as the user sees it: sanitized, with one trailing <c>/</c>.</summary>
    public static string Mount(string path) => EnsureTrailingSlash(Sanitize(path));
}
