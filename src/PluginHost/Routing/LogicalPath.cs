namespace PluginHost.Routing;

/// <summary>
/// Puts a request's logical path in the one form the host authorizes and routes: no leading <c>/</c>, no empty segments
/// (<c>//sys/mounts</c> and <c>sys//mounts</c> are <c>sys/mounts</c>), a trailing <c>/</c> kept (it marks a folder).
/// <c>.</c> and <c>..</c> segments and control characters are refused rather than resolved.
/// </summary>
internal static class LogicalPath
{
    /// <summary>The normal form of <paramref name="path"/>.</summary>
    /// <exception cref="PluginHostException">The path is empty, or has a <c>.</c>/<c>..</c> segment or a control character (BadRequest).</exception>
    public static string Normalize(string? path)
    {
        path ??= "";
        var clean = true;
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (char.IsControl(c))
            {
                throw new PluginHostException(ErrorCode.BadRequest, "path cannot contain control characters");
            }

            if (c == '/' && (i == 0 || path[i - 1] == '/'))
            {
                clean = false;
            }
        }

        var normal = clean ? path : Collapse(path);
        if (normal.Length == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "request path is empty; give a logical path such as 'secret/foo'");
        }

        if (HasDotSegment(normal))
        {
            // Vault's consts.ErrPathContainsParentReferences, for "." too: neither names anything in a mount.
            throw new PluginHostException(ErrorCode.BadRequest, "path cannot contain parent references");
        }

        return normal;
    }

    private static string Collapse(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var joined = string.Join('/', segments);
        return path.EndsWith('/') && joined.Length > 0 ? joined + "/" : joined;
    }

    private static bool HasDotSegment(string path)
    {
        var start = 0;
        while (start <= path.Length)
        {
            var end = path.IndexOf('/', start);
            if (end < 0)
            {
                end = path.Length;
            }

            var segment = path.AsSpan(start, end - start);
            if (segment is "." or "..")
            {
                return true;
            }

            start = end + 1;
        }

        return false;
    }
}
