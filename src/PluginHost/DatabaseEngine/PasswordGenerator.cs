using System.Security.Cryptography;

namespace PluginHost.DatabaseEngine;

/// <summary>
/// Vault's default password policy for database credentials: 20 characters of letters, digits and <c>-</c>, with at
/// least one lower-case letter, one upper-case letter, one digit and one <c>-</c>.
/// </summary>
internal static class PasswordGenerator
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";
    private const int Length = 20;

    public static string Generate()
    {
        while (true)
        {
            // Rejection keeps every password uniform over the passwords that meet the rules.
            var password = RandomNumberGenerator.GetString(Alphabet, Length);
            if (password.Any(char.IsAsciiLetterLower) && password.Any(char.IsAsciiLetterUpper) && password.Any(char.IsAsciiDigit) && password.Contains('-', StringComparison.Ordinal))
            {
                return password;
            }
        }
    }
}
