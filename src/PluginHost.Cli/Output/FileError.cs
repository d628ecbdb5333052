namespace PluginHost.Cli.Output;

/// <summary>Why a named file could not be read, in the words error messages use ("no such file", else .NET's).</summary>
internal static class FileError
{
    /// <summary>The reason of <paramref name="error"/>, for a message that already names the file.</summary>
    public static string Reason(Exception error) =>
        error is FileNotFoundException or DirectoryNotFoundException ? "no such file" : error.Message;
}
