using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary>Local files the way Vault's commands name them: paths from the working directory, <c>~</c> expanded, Go's error texts.</summary>
internal static class LocalFiles
{
    /// <summary><paramref name="path"/> with a leading <c>~</c> made the home directory, as Vault's <c>homedir.Expand</c> does.</summary>
    public static string Expand(CommandRun run, string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal) ? Path.Join(run.Environment.HomeDirectory, path[1..]) : path;

    /// <summary>The full path of <paramref name="path"/> as given on the command line, from the working directory.</summary>
    public static string FullPath(CommandRun run, string path) => Path.GetFullPath(Expand(run, path), run.Environment.CurrentDirectory);

    /// <summary>Go's <c>*PathError</c> text for a failed open or read: <c>open PATH: no such file or directory</c>.</summary>
    /// <param name="error">The failure.</param>
    /// <param name="path">The path as shown (as given).</param>
    /// <param name="fullPath">The path that was opened.</param>
    public static string Describe(Exception error, string path, string fullPath) => error switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"open {Echo.Of(path)}: no such file or directory",
        UnauthorizedAccessException when Directory.Exists(fullPath) => $"read {Echo.Of(path)}: is a directory",
        UnauthorizedAccessException => $"open {Echo.Of(path)}: permission denied",
        _ => $"open {Echo.Of(path)}: {error.Message}",
    };

    /// <summary>Whether <paramref name="error"/> is a failure to read or write a file.</summary>
    public static bool IsFileError(Exception error) => error is IOException or UnauthorizedAccessException;
}
