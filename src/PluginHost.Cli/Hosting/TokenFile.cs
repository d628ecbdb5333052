namespace PluginHost.Cli.Hosting;

/// <summary>
/// Where <c>login</c> keeps the token for later commands in client mode, like Vault's token helper but in a file of
/// PluginHost's own, <c>~/.plugin-host-token</c>, so that a user's <c>~/.vault-token</c> is never overwritten.
/// </summary>
/// <remarks>
/// The file is written as Vault's helper writes <c>~/.vault-token</c>: to a new file beside it, created with mode 0600
/// (never readable by others, not even for a moment), then renamed over it. The rename replaces whatever is at the path,
/// a symbolic link included, so a link planted there never makes the token land in (or overwrite) another file.
/// </remarks>
internal static class TokenFile
{
    public const string FileName = ".plugin-host-token";

    // A token is a few dozen characters; the file is read whole, so it is read bounded.
    private const int MaxTokenChars = 64 * 1024;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string PathIn(CliEnvironment environment) => Path.Join(environment.HomeDirectory, FileName);

    /// <summary>The stored token, trimmed, or null when there is no file or it is empty.</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    public static string? Read(CliEnvironment environment)
    {
        var path = PathIn(environment);
        if (!File.Exists(path))
        {
            return null;
        }

        var token = CommandLine.BoundedText.ReadFile(path, MaxTokenChars).Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>Stores <paramref name="token"/>, replacing the file (or whatever else is at its path).</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The home directory cannot be written.</exception>
    public static void Store(CliEnvironment environment, string token)
    {
        var path = PathIn(environment);
        var temporary = Path.Join(Path.GetDirectoryName(path), $"{FileName}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions
        {
            // CreateNew is O_EXCL: a file or link already at the temporary name is never opened.
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(token);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
