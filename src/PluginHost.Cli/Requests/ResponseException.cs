using System.Text;

namespace PluginHost.Cli.Requests;

/// <summary>
/// A request the host or a backend refused, with its status code and error messages: Vault's <c>api.ResponseError</c>.
/// Its message has Vault's layout, with the logical request where Vault names the URL:
/// <code>
/// Error making API request.
///
/// Request: write sys/auth/my-auth-plugin
/// Code: 400. Errors:
///
/// * cannot mount 'my-mock-plugin' of type 'secret' as an auth method
/// </code>
/// </summary>
internal sealed class ResponseException : Exception
{
    public ResponseException(Operation operation, string path, int statusCode, IReadOnlyList<string> errors, Exception? innerException = null)
        : base(Describe(operation, path, statusCode, errors), innerException)
    {
        StatusCode = statusCode;
        Errors = errors;
    }

    /// <summary>A refusal from a server reached over HTTP: Vault's CLI names the method and URL (<c>URL: PUT http://…</c>).</summary>
    public ResponseException(string method, Uri url, int statusCode, IReadOnlyList<string> errors)
        : base(Describe($"URL: {method} {url}", statusCode, errors))
    {
        StatusCode = statusCode;
        Errors = errors;
    }

    public ResponseException()
        : this(Operation.Read, "", 500, [])
    {
    }

    public ResponseException(string message)
        : this(Operation.Read, "", 500, [message])
    {
    }

    public ResponseException(string message, Exception? innerException)
        : this(Operation.Read, "", 500, [message], innerException)
    {
    }

    public int StatusCode { get; }

    public IReadOnlyList<string> Errors { get; }

    /// <summary>The verb of a logical operation, as the CLI command that sends it is named.</summary>
    public static string VerbOf(Operation operation) => operation switch
    {
        Operation.Read => "read",
        Operation.List => "list",
        Operation.Delete => "delete",
        Operation.Create or Operation.Update => "write",
        _ => operation.ToString().ToLowerInvariant(),
    };

    private static string Describe(Operation operation, string path, int statusCode, IReadOnlyList<string> errors) =>
        Describe($"Request: {VerbOf(operation)} {path}", statusCode, errors);

    private static string Describe(string request, int statusCode, IReadOnlyList<string> errors)
    {
        var text = new StringBuilder("Error making API request.\n\n")
            .Append(request).Append('\n')
            .Append("Code: ").Append(statusCode).Append(". Errors:\n\n");
        text.AppendJoin('\n', errors.Select(e => "* " + e));
        return text.ToString();
    }
}
