namespace PluginHost.Mounts;

/// <summary>Vault's rules for mount paths: sanitizing, reserved prefixes and overlaps.</summary>
public static class MountPaths
{
    /// <summary>The prefix under which auth methods are reached.</summary>
    public const string AuthPrefix = "auth/";

    /// <summary>The longest mount path accepted, in characters.</summary>
    public const int MaxLength = 256;

    // Vault's protectedMounts: paths served by the host itself or reserved for it.
    private static readonly string[] ReservedSecretPrefixes = ["sys/", "auth/", "cubbyhole/", "identity/", "audit/"];

    // The token store is Vault's own auth method; mounting over it would shadow token operations.
    private static readonly string[] ReservedAuthPrefixes = ["token/"];

    /// <summary>Trims leading slashes and makes sure the path ends with exactly one <c>/</c>, then checks its characters.</summary>
    /// <param name="path">The path as the user typed it (<c>/secret</c>, <c>secret/</c>, <c>a/b</c>).</param>
    /// <returns>The sanitized path, such as <c>secret/</c>.</returns>
    /// <exception cref="PluginHostException">The path is empty or has an empty, <c>.</c> or <c>..</c> segment, a NUL, a backslash or whitespace.</exception>
    public static string Sanitize(string? path)
    {
        var trimmed = (path ?? "").TrimStart('/');
        if (trimmed.Length == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "mount path is empty; give a path such as 'secret'");
        }

        var sanitized = trimmed.EndsWith('/') ? trimmed : trimmed + "/";
        if (sanitized.Length > MaxLength)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"mount path is {sanitized.Length} characters long; the limit is {MaxLength}");
        }

        foreach (var segment in sanitized[..^1].Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"mount path \"{sanitized}\" has an empty, '.' or '..' segment; use names separated by single '/'");
            }

            if (segment.Any(c => c == '\0' || c == '\\' || char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"mount path \"{sanitized}\" contains whitespace, a control character or '\\'; use letters, digits, '-', '_' and '.'");
            }
        }

        return sanitized;
    }

    /// <summary>Throws when <paramref name="path"/> (sanitized, within its table) lies under a reserved prefix.</summary>
    /// <param name="table">The mount table: secret or auth.</param>
    /// <param name="path">The sanitized path within the table.</param>
    /// <exception cref="PluginHostException">The path is reserved (Forbidden).</exception>
    public static void EnsureNotReserved(BackendType table, string path)
    {
        var reserved = table == BackendType.Auth ? ReservedAuthPrefixes : ReservedSecretPrefixes;
        foreach (var prefix in reserved)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                var hint = table == BackendType.Secret && prefix == AuthPrefix
                    ? "; enable auth methods with 'auth enable' instead"
                    : "; choose another path";
                throw new PluginHostException(ErrorCode.Forbidden, $"cannot mount \"{path}\": the {prefix} prefix is reserved{hint}");
            }
        }
    }

    /// <summary>Returns whether two sanitized route paths overlap: one is a prefix of the other (or they are equal).</summary>
    /// <param name="a">A sanitized route path.</param>
    /// <param name="b">Another sanitized route path.</param>
    /// <returns><see langword="true"/> when requests for one could be routed to the other.</returns>
    public static bool Overlap(string a, string b) =>
        a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal);

    /// <summary>Splits a route path (<c>secret/</c>, or <c>auth/userpass/</c> for an auth method) into its table and its path within the table.</summary>
    /// <param name="routePath">The route path, as Vault's <c>sys/remount</c> and plugin reloads take it.</param>
    /// <returns>The table and the sanitized path within it.</returns>
    public static (BackendType Table, string Path) SplitRoutePath(string routePath)
    {
        var sanitized = Sanitize(routePath);
        return sanitized.StartsWith(AuthPrefix, StringComparison.Ordinal)
            ? (BackendType.Auth, Sanitize(sanitized[AuthPrefix.Length..]))
            : (BackendType.Secret, sanitized);
    }
}
