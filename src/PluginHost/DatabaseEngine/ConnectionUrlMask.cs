using System.Text.RegularExpressions;

namespace PluginHost.DatabaseEngine;

/// <summary>
/// Masks a password written literally into a connection string — <c>scheme://user:PASSWORD@host</c> or
/// <c>Password=PASSWORD;</c> — so a read of the configuration never shows it; the <c>{{password}}</c> template is left as is.
/// </summary>
internal static partial class ConnectionUrlMask
{
    private const string Masked = "*****";

    public static string Mask(string url)
    {
        var masked = UrlPassword().Replace(url, m => m.Groups["password"].Value == "{{password}}" ? m.Value : m.Groups["head"].Value + Masked + "@");
        return KeywordPassword().Replace(masked, m => m.Groups["password"].Value.Trim() == "{{password}}" ? m.Value : m.Groups["head"].Value + Masked);
    }

    [GeneratedRegex(@"(?<head>^[A-Za-z][A-Za-z0-9+.\-]*://[^:/@]*:)(?<password>[^@]*)@")]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"(?<head>(?:^|;)\s*(?:password|pwd)\s*=\s*)(?<password>[^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex KeywordPassword();
}
