using System.Globalization;

namespace PluginHost.Cli.Output;

/// <summary>
/// Values quoted back in error messages, cut short: a mistyped flag or a config line holding a megabyte is named,
/// not repeated to the terminal.
/// </summary>
internal static class Echo
{
    /// <summary>The most characters of one value an error message repeats.</summary>
    public const int MaxValueChars = 200;

    /// <summary>The most characters of one error line; the net under every message that echoes input.</summary>
    public const int MaxLineChars = 2_000;

    /// <summary><paramref name="value"/>, or its first <see cref="MaxValueChars"/> characters and how many were left out.</summary>
    public static string Of(string? value) => Cut(value ?? "", MaxValueChars);

    /// <summary>Each line of <paramref name="text"/> cut at <see cref="MaxLineChars"/>.</summary>
    public static string Lines(string text)
    {
        if (text.Length <= MaxLineChars)
        {
            return text;
        }

        return string.Join('\n', text.Split('\n').Select(line => Cut(line, MaxLineChars)));
    }

    private static string Cut(string value, int max) =>
        value.Length <= max
            ? value
            : string.Create(CultureInfo.InvariantCulture, $"{value.AsSpan(0, max)}… ({value.Length - max} more characters)");
}
