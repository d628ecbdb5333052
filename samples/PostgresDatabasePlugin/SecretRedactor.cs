namespace PostgresDatabasePlugin;

/// <summary>
/// Keeps passwords out of error messages. PostgreSQL quotes the text near a syntax error, which may be a rendered
/// password; a driver message may quote part of a connection string. Every message the plugin returns goes through here.
/// </summary>
internal static class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "[redacted]";

    /// <summary>
    /// <paramref name="message"/> with every secret replaced by <see cref="Mask"/>, in the forms it may appear in: as
    /// given, quote-doubled (as rendered into SQL) and percent-encoded (as filled into a URL).
    /// </summary>
    public static string Redact(string message, params ReadOnlySpan<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                continue;
            }

            // Longest form first: a doubled form contains the plain one's prefix.
            foreach (var form in new[] { secret.Replace("'", "''", StringComparison.Ordinal), secret.Replace("\"", "\"\"", StringComparison.Ordinal), Uri.EscapeDataString(secret), secret }
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(form => form.Length))
            {
                message = message.Replace(form, Mask, StringComparison.Ordinal);
            }
        }

        return message;
    }
}
