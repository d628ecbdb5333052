using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace PluginHost.Http.Requests;

/// <summary>
/// Turns an HTTP request on <c>/v1/&lt;path&gt;</c> into a logical <see cref="BackendRequest"/> the way Vault's HTTP layer
/// does: GET reads (<c>?list=true</c> lists), <c>LIST</c> lists, POST and PUT write, PATCH patches (a JSON merge patch
/// body only), DELETE deletes; GET, LIST and DELETE take their data from the query string, POST, PUT and PATCH from a
/// JSON object body (POST and PUT also from a form).
/// </summary>
internal static class VaultRequestReader
{
    private const string MergePatchContentType = "application/merge-patch+json";

    /// <summary>Reads the operation, path and data of <paramref name="http"/>, holding its body in <paramref name="bodyBudget"/>.</summary>
    /// <exception cref="VaultHttpException">The method, path, query or body cannot make a request; the status says why.</exception>
    public static async Task<BackendRequest> ReadAsync(
        HttpRequest http, string path, string requestId, long maxBodyBytes, RequestBodyBudget.Reservation bodyBudget, CancellationToken cancellationToken)
    {
        Operation operation;
        IReadOnlyDictionary<string, JsonElement>? data;
        if (IsHelp(http))
        {
            // Vault's help handler: ?help=<anything> (or the HELP method) asks the path's backend for its help.
            return new BackendRequest { Operation = Operation.Help, Path = path, RequestId = requestId };
        }

        switch (http.Method)
        {
            case "GET":
                var list = ListParameter(http.Query);
                operation = list ? Operation.List : Operation.Read;
                data = QueryData(http.Query, skipList: true);
                break;
            case "LIST":
                operation = Operation.List;
                data = QueryData(http.Query, skipList: false);
                break;
            case "DELETE":
                operation = Operation.Delete;
                data = QueryData(http.Query, skipList: false);
                break;
            case "POST" or "PUT":
                operation = Operation.Update;
                data = await RequestBody.ReadDataAsync(http, maxBodyBytes, bodyBudget, cancellationToken).ConfigureAwait(false);
                break;
            case "PATCH":
                RequireMergePatch(http.ContentType);
                operation = Operation.Patch;
                data = await RequestBody.ReadDataAsync(http, maxBodyBytes, bodyBudget, cancellationToken).ConfigureAwait(false);
                break;
            default:
                // Vault answers any other method with a bare 405.
                throw new VaultHttpException(StatusCodes.Status405MethodNotAllowed, null);
        }

        // A list names a folder: Vault adds the trailing slash when the caller left it out.
        if (operation == Operation.List && !path.EndsWith('/'))
        {
            path += "/";
        }

        return new BackendRequest
        {
            Operation = operation,
            Path = path,
            Data = data,
            RequestId = requestId,
        };
    }

    // Vault takes a patch only as a JSON merge patch (RFC 7396), and says which type it got otherwise.
    private static void RequireMergePatch(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            throw new VaultHttpException(StatusCodes.Status400BadRequest,
                contentType is null or ""
                    ? $"PATCH requires Content-Type of {MergePatchContentType}, provided no Content-Type"
                    : $"Content-Type '{contentType}' is not a media type: send Content-Type: {MergePatchContentType}");
        }

        var mediaType = parsed.MediaType.Value ?? "";
        if (!string.Equals(mediaType, MergePatchContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new VaultHttpException(StatusCodes.Status415UnsupportedMediaType,
                $"PATCH requires Content-Type of {MergePatchContentType}, provided {mediaType}");
        }
    }

    private static bool IsHelp(HttpRequest http) =>
        http.Method == "HELP" || (http.Query.TryGetValue("help", out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]));

    // ?list=<bool> with Go's strconv.ParseBool spellings.
    private static bool ListParameter(IQueryCollection query)
    {
        if (!query.TryGetValue("list", out var values) || values.Count == 0)
        {
            return false;
        }

        return values[^1] switch
        {
            "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
            "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
            var other => throw new VaultHttpException(StatusCodes.Status400BadRequest, $"list must be true or false, not '{other}'"),
        };
    }

    // Each query parameter becomes a string field (repeated ones an array of strings); "help" is reserved, as in Vault.
    private static Dictionary<string, JsonElement>? QueryData(IQueryCollection query, bool skipList)
    {
        Dictionary<string, JsonElement>? data = null;
        foreach (var (key, values) in query)
        {
            if (key == "help" || (skipList && key == "list") || values.Count == 0)
            {
                continue;
            }

            data ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            data[key] = values.Count == 1
                ? JsonSerializer.SerializeToElement(values[0], HttpJsonContext.Default.String)
                : JsonSerializer.SerializeToElement(values.ToArray(), HttpJsonContext.Default.StringArray);
        }

        return data;
    }
}
