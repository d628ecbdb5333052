using Microsoft.AspNetCore.Http;

namespace PluginHost.Http.Requests;

/// <summary>Where Vault takes a request's token from.</summary>
internal static class ClientToken
{
    /// <summary><c>X-Vault-Token</c>, else the first <c>Authorization: Bearer …</c>, else null.</summary>
    public static string? Of(HttpRequest request)
    {
        if (request.Headers["X-Vault-Token"].ToString() is { Length: > 0 } token)
        {
            return token;
        }

        foreach (var value in request.Headers.Authorization)
        {
            // Vault matches "Bearer " case-sensitively; other schemes are left to the backends.
            if (value is not null && value.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                return value[7..].Trim();
            }
        }

        return null;
    }
}
