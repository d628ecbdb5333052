using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PluginHost.Tokens;

namespace PluginHost.Http.Auth;

/// <summary>
/// Decides who a token belongs to and what it may call. Until ACL policies exist, the root token may call every
/// path; a login's token may call the mounts and its own <c>auth/token/…-self</c> paths, not <c>sys/…</c>.
/// </summary>
internal sealed class Authenticator(TokenStore tokens, IOptions<PluginHostHttpOptions> options)
{
    /// <summary>The caller for <paramref name="token"/>, or null when there is none or it is unknown, revoked or expired.</summary>
    public async Task<Caller?> AuthenticateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        if (IsRootToken(token))
        {
            return new Caller(token, null);
        }

        return await tokens.LookupAsync(token, cancellationToken).ConfigureAwait(false) is { } entry ? new Caller(token, entry) : null;
    }

    /// <summary>Whether <paramref name="caller"/> may call <paramref name="path"/> (a logical path).</summary>
    public static bool MayCall(Caller caller, string path) =>
        caller.IsRoot || !(path == "sys" || path.StartsWith("sys/", StringComparison.Ordinal));

    private bool IsRootToken(string token)
    {
        var root = options.Value.RootToken;
        return root is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(root));
    }
}
