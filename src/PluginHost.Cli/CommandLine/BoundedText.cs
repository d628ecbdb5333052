using System.Globalization;
using System.Text;

namespace PluginHost.Cli.CommandLine;

/// <summary>
/// Reads local text (a file named on the command line, the config file, stdin) up to a limit, so that
/// <c>@/dev/zero</c> or a runaway pipe ends in an error instead of the process's memory.
/// </summary>
internal static class BoundedText
{
    /// <summary>Files and stdin given as data: as many characters as a request may carry (Vault's 32 MiB).</summary>
    public const int MaxDataChars = 32 * 1024 * 1024;

    /// <summary>A config file is a few lines; 1 Mi characters is already absurd.</summary>
    public const int MaxConfigChars = 1024 * 1024;

    /// <summary>Reads <paramref name="path"/> (BOMs detected, as <see cref="File.ReadAllText(string)"/> does).</summary>
    /// <exception cref="IOException">It cannot be read, or holds more than <paramref name="maxChars"/> characters.</exception>
    public static string ReadFile(string path, int maxChars = MaxDataChars)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ReadAll(reader, maxChars);
    }

    /// <summary>Reads <paramref name="path"/> without blocking the caller; see <see cref="ReadFile"/>.</summary>
    /// <exception cref="IOException">It cannot be read, or holds more than <paramref name="maxChars"/> characters.</exception>
    public static async Task<string> ReadFileAsync(string path, CancellationToken cancellationToken, int maxChars = MaxDataChars)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return await ReadAllAsync(reader, cancellationToken, maxChars);
    }

    /// <summary>Reads the rest of <paramref name="reader"/> without blocking the caller.</summary>
    /// <exception cref="IOException">More than <paramref name="maxChars"/> characters.</exception>
    public static async Task<string> ReadAllAsync(TextReader reader, CancellationToken cancellationToken, int maxChars = MaxDataChars)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var text = new StringBuilder();
        var buffer = new char[64 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            Append(text, buffer, read, maxChars);
        }

        return text.ToString();
    }

    /// <summary>Reads the rest of <paramref name="reader"/>.</summary>
    /// <exception cref="IOException">More than <paramref name="maxChars"/> characters.</exception>
    public static string ReadAll(TextReader reader, int maxChars = MaxDataChars)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var text = new StringBuilder();
        var buffer = new char[64 * 1024];
        int read;
        while ((read = reader.Read(buffer)) > 0)
        {
            Append(text, buffer, read, maxChars);
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, char[] buffer, int read, int maxChars)
    {
        if (text.Length + read > maxChars)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"more than {maxChars} characters; nothing that large can be used here"));
        }

        text.Append(buffer, 0, read);
    }
}
