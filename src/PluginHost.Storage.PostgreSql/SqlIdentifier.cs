namespace PluginHost.Storage.PostgreSql;

/// <summary>Table names from the configuration, checked once and quoted in every statement.</summary>
internal static class SqlIdentifier
{
    // PostgreSQL's NAMEDATALEN - 1: a longer name would be cut silently.
    private const int MaxLength = 63;

    /// <summary>Checks that <paramref name="name"/> is a plain identifier and returns it quoted (its case kept).</summary>
    /// <param name="name">The table name.</param>
    /// <param name="setting">The setting it came from, for the message.</param>
    /// <exception cref="ArgumentException">The name is empty, too long, or not made of letters, digits and <c>_</c>.</exception>
    public static string Quote(string name, string setting)
    {
        if (!IsPlain(name))
        {
            throw new ArgumentException(
                $"{setting} \"{name}\" is not a plain table name: use letters, digits and '_', not starting with a digit, at most {MaxLength} characters (a schema comes from the connection's search_path)",
                setting);
        }

        return "\"" + name + "\"";
    }

    private static bool IsPlain(string name) =>
        name is { Length: > 0 and <= MaxLength }
        && !char.IsAsciiDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
