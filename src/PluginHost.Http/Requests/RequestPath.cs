using Microsoft.AspNetCore.Http;

namespace PluginHost.Http.Requests;

/// <summary>Checks a logical path taken from a URL before it is routed.</summary>
internal static class RequestPath
{
    /// <exception cref="VaultHttpException">400: the path has a <c>.</c> or <c>..</c> segment, or a control character.</exception>
    public static void Validate(string path)
    {
        foreach (var segment in path.Split('/'))
        {
            if (segment is "." or "..")
            {
                // Vault's consts.ErrPathContainsParentReferences, for "." too: neither names anything in a mount.
                throw new VaultHttpException(StatusCodes.Status400BadRequest, "path cannot contain parent references");
            }
        }

        if (path.Any(char.IsControl))
        {
            throw new VaultHttpException(StatusCodes.Status400BadRequest, "path cannot contain control characters");
        }
    }
}
