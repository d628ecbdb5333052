using System.Text.Json;

namespace PluginHost.Cli.Commands;

/// <summary>
/// Vault's three ways to name the token a token command acts on: none (the caller's own, <c>&lt;endpoint&gt;-self</c>),
/// a token (<c>&lt;endpoint&gt;</c> with a <c>token</c> field) or an accessor (<c>&lt;endpoint&gt;-accessor</c> with
/// an <c>accessor</c> field).
/// </summary>
internal static class TokenTarget
{
    /// <summary>The path to write for <paramref name="token"/>, adding its field to <paramref name="data"/>.</summary>
    /// <param name="endpoint">The endpoint's base path, such as <c>auth/token/renew</c> or <c>sys/capabilities</c>.</param>
    /// <param name="token">The token or accessor given, or empty for the caller's own token.</param>
    /// <param name="byAccessor">Whether <paramref name="token"/> is an accessor.</param>
    /// <param name="data">The request's fields.</param>
    public static string PathFor(string endpoint, string token, bool byAccessor, Dictionary<string, JsonElement> data)
    {
        if (token.Length == 0)
        {
            return endpoint + "-self";
        }

        data[byAccessor ? "accessor" : "token"] = JsonSerializer.SerializeToElement(token);
        return byAccessor ? endpoint + "-accessor" : endpoint;
    }
}
