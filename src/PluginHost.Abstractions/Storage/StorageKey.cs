namespace PluginHost;

/// <summary>The rules every storage key and list prefix follows, shared by all <see cref="IStorage"/> implementations.</summary>
public static class StorageKey
{
    /// <summary>The longest key accepted, in characters.</summary>
    public const int MaxLength = 1024;

    /// <summary>Throws a <see cref="PluginHostException"/> (<see cref="ErrorCode.BadRequest"/>) saying what is wrong with <paramref name="key"/>.</summary>
    /// <param name="key">The key to check.</param>
    /// <exception cref="PluginHostException">The key is empty, too long, or has a bad segment or character.</exception>
    public static void Validate(string key)
    {
        if (Explain(key, allowTrailingSlash: false) is { } problem)
        {
            throw new PluginHostException(ErrorCode.BadRequest, problem);
        }
    }

    /// <summary>Checks a list prefix and returns it in canonical form: empty, or ending with exactly one <c>/</c>.</summary>
    /// <param name="prefix">The prefix; <c>a/b</c> and <c>a/b/</c> both list folder <c>a/b/</c>.</param>
    /// <returns>The canonical prefix.</returns>
    /// <exception cref="PluginHostException">The prefix is not a valid key path.</exception>
    public static string NormalizePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return prefix;
        }

        if (Explain(prefix, allowTrailingSlash: true) is { } problem)
        {
            throw new PluginHostException(ErrorCode.BadRequest, problem.Replace("storage key", "storage list prefix", StringComparison.Ordinal));
        }

        return prefix.EndsWith('/') ? prefix : prefix + "/";
    }

    /// <summary>Returns <see langword="true"/> when <paramref name="key"/> is a valid key.</summary>
    /// <param name="key">The key to check.</param>
    /// <returns>Whether the key is valid.</returns>
    public static bool IsValid(string? key) => key is not null && Explain(key, allowTrailingSlash: false) is null;

    private static string? Explain(string? key, bool allowTrailingSlash)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "storage key is empty; give a non-empty '/'-separated key such as 'config/main'";
        }

        if (key.Length > MaxLength)
        {
            return $"storage key is {key.Length} characters long; the limit is {MaxLength}";
        }

        if (key.Contains('\0', StringComparison.Ordinal))
        {
            return $"storage key '{key.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character";
        }

        if (key.Contains('\\', StringComparison.Ordinal))
        {
            return $"storage key '{key}' contains '\\'; separate segments with '/'";
        }

        var body = allowTrailingSlash && key.EndsWith('/') ? key[..^1] : key;
        foreach (var segment in body.Split('/'))
        {
            if (segment.Length == 0)
            {
                return $"storage key '{key}' has an empty segment (a leading, trailing or doubled '/')";
            }

            if (segment is "." or "..")
            {
                return $"storage key '{key}' has a '{segment}' segment; keys cannot name relative paths";
            }
        }

        return null;
    }
}
