using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PluginHost.Http.Auth;
using PluginHost.Http.Requests;
using PluginHost.Http.Responses;
using PluginHost.Tokens;

namespace PluginHost.Http.Endpoints;

/// <summary>
/// The paths of Vault's token store that a token holder calls about itself: <c>auth/token/lookup-self</c> (GET or
/// POST) and <c>auth/token/revoke-self</c> (POST or PUT). Other <c>auth/token/…</c> paths are not served yet.
/// </summary>
internal sealed class TokenEndpoint(TokenStore tokens, TimeProvider clock)
{
    private const string Prefix = "auth/token/";
    private const string LookupSelf = Prefix + "lookup-self";
    private const string RevokeSelf = Prefix + "revoke-self";
    private static readonly string[] RootPolicies = ["root"];

    // When the configured root token was first seen: its creation time in lookup-self.
    private readonly DateTimeOffset _started = clock.GetUtcNow();

    public static bool Serves(string path) => path == "auth/token" || path.StartsWith(Prefix, StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context, string path, Caller caller, string requestId)
    {
        var cancellationToken = context.RequestAborted;
        var method = context.Request.Method;
        switch (path.TrimEnd('/'))
        {
            case LookupSelf when method is "GET" or "POST" or "PUT":
                var data = caller.Entry is { } entry ? Describe(caller.Token, entry) : DescribeRoot(caller.Token);
                await VaultResponseWriter.WriteEnvelopeAsync(
                    context.Response, requestId, new BackendResponse { Data = data }, "token", injectDataAtTop: false, cancellationToken).ConfigureAwait(false);
                return;
            case RevokeSelf when method is "POST" or "PUT":
                if (caller.IsConfiguredRoot)
                {
                    throw new VaultHttpException(
                        StatusCodes.Status400BadRequest, "the root token the server was started with cannot be revoked; it ends when the server stops");
                }

                await tokens.RevokeAsync(caller.Token, cancellationToken).ConfigureAwait(false);
                VaultResponseWriter.WriteNoContent(context.Response);
                return;
            case LookupSelf or RevokeSelf:
                throw new VaultHttpException(StatusCodes.Status405MethodNotAllowed, null);
            default:
                throw new VaultHttpException(
                    StatusCodes.Status404NotFound, $"unsupported path \"{path}\": PluginHost's token store serves {LookupSelf} and {RevokeSelf}");
        }
    }

    private Dictionary<string, JsonElement> Describe(string token, TokenEntry entry)
    {
        var now = clock.GetUtcNow();
        var ttl = entry.ExpireTime is { } expires ? Math.Max(0, (long)(expires - now).TotalSeconds) : 0;
        return Fields(
            ("accessor", entry.Accessor),
            ("creation_time", entry.CreationTime.ToUnixTimeSeconds()),
            ("creation_ttl", (long)entry.CreationTtl.TotalSeconds),
            ("display_name", entry.DisplayName),
            ("entity_id", ""),
            ("expire_time", entry.ExpireTime?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture)),
            ("explicit_max_ttl", 0L),
            ("id", token),
            ("issue_time", entry.CreationTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture)),
            ("meta", entry.Meta),
            ("num_uses", 0L),
            ("orphan", true),
            ("path", entry.Path),
            ("policies", entry.Policies),
            ("renewable", false),
            ("ttl", ttl),
            ("type", "service"));
    }

    private Dictionary<string, JsonElement> DescribeRoot(string token) => Fields(
        ("accessor", ""),
        ("creation_time", _started.ToUnixTimeSeconds()),
        ("creation_ttl", 0L),
        ("display_name", "root"),
        ("entity_id", ""),
        ("expire_time", null),
        ("explicit_max_ttl", 0L),
        ("id", token),
        ("meta", null),
        ("num_uses", 0L),
        ("orphan", true),
        ("path", "auth/token/root"),
        ("policies", RootPolicies),
        ("ttl", 0L),
        ("type", "service"));

    private static Dictionary<string, JsonElement> Fields(params (string Name, object? Value)[] fields) =>
        BackendResponse.WithData(fields.Select(f => new KeyValuePair<string, object?>(f.Name, f.Value))).Data!.ToDictionary(StringComparer.Ordinal);
}
