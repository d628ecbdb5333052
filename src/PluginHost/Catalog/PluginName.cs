namespace PluginHost.Catalog;

/// <summary>The rules for catalog names, which become storage keys, mount defaults and log categories.</summary>
internal static class PluginName
{
    /// <summary>The longest name accepted, in characters.</summary>
    public const int MaxLength = 128;

    /// <summary>Throws a <see cref="PluginHostException"/> (<see cref="ErrorCode.BadRequest"/>) saying what is wrong with <paramref name="name"/>.</summary>
    public static void Validate(string? name)
    {
        if (Explain(name) is { } problem)
        {
            throw new PluginHostException(ErrorCode.BadRequest, problem);
        }
    }

    private static string? Explain(string? name)
    {
        const string Allowed = "use only ASCII letters, digits, '-', '_' and '.'";
        if (string.IsNullOrEmpty(name))
        {
            return "plugin name is required; give a name such as 'my-plugin'";
        }

        if (name.Length > MaxLength)
        {
            return $"plugin name is {name.Length} characters long; the limit is {MaxLength}";
        }

        var shown = name.Replace("\0", "\\0", StringComparison.Ordinal);
        if (name.Trim().Length != name.Length)
        {
            return $"plugin name '{shown}' has leading or trailing whitespace; remove it";
        }

        if (name is "." or "..")
        {
            return $"plugin name '{name}' is not allowed; {Allowed}, and not just dots";
        }

        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            {
                continue;
            }

            var what = c switch
            {
                '\0' => "a NUL character",
                '/' => "'/'",
                '\\' => "'\\'",
                _ when char.IsWhiteSpace(c) => "whitespace",
                _ => $"'{c}'",
            };
            return $"plugin name '{shown}' contains {what}; {Allowed}";
        }

        return null;
    }
}
