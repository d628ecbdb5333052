namespace PluginHost.Backends;

/// <summary>The rules for userpass usernames: case-insensitive (stored lower-case, as Vault does) and one storage key segment.</summary>
internal static class Username
{
    /// <summary>Returns <paramref name="raw"/> lower-cased, or throws when it cannot name a user.</summary>
    /// <param name="raw">The username as given.</param>
    /// <returns>The normalized username.</returns>
    /// <exception cref="PluginHostException">The name is missing, contains '/', or is not a valid key segment.</exception>
    public static string Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "missing username");
        }

        var name = raw.ToLowerInvariant();
        if (name.Contains('/', StringComparison.Ordinal) || !StorageKey.IsValid(name))
        {
            throw new PluginHostException(ErrorCode.BadRequest,
                $"invalid username '{raw}': use a name without '/', NUL or '\\' that is not '.' or '..'");
        }

        return name;
    }
}
