namespace PluginHost.Routing;

/// <summary>
/// What a backend's answer may carry to HTTP clients: error text up to 64 KiB, redirects only within this server's
/// API, and a status of its own only when it is a client error. A plugin is untrusted at runtime; without these bounds
/// a compromised one could send clients to another site (<c>Location: http://evil.example/…</c>), answer with
/// megabytes of error text, or ask for credentials (401, 407) in the server's name.
/// </summary>
/// <remarks>The size of a whole answer is bounded by <see cref="PluginHostOptions.MaxPluginMessageBytes"/> on the wire.</remarks>
internal static class PluginAnswerBounds
{
    /// <summary>The longest error message passed on; longer ones are cut, saying so.</summary>
    public const int MaxErrorMessageChars = ErrorBounds.MaxMessageChars;

    private const string ApiPrefix = "/v1/";

    /// <summary>Returns <paramref name="response"/> unchanged, or throws when it redirects outside this server's API or sets a status it may not.</summary>
    /// <exception cref="PluginHostException">Internal: the backend answered with a redirect or a status it may not send.</exception>
    public static BackendResponse? Check(BackendResponse? response, string mountPath)
    {
        if (response?.Redirect is { Length: > 0 } redirect && !IsWithinApi(redirect))
        {
            throw new PluginHostException(
                ErrorCode.Internal,
                $"backend at {mountPath} answered with a redirect outside this server's API, which is not passed on; a backend may redirect only to paths under {ApiPrefix}");
        }

        if (response?.StatusCode is { } status && (status is < 400 or > 499 or 401 or 407))
        {
            throw new PluginHostException(
                ErrorCode.Internal,
                $"backend at {mountPath} answered with HTTP status {status}, which is not passed on; a backend may set only a client-error status (400-499, except 401 and 407)");
        }

        return response;
    }

    /// <summary>The same error with its message cut to <see cref="MaxErrorMessageChars"/>.</summary>
    public static PluginHostException Shortened(PluginHostException error) =>
        new(error.Code, ErrorBounds.Cut(error.Message), error);

    // A path on this server: "/v1/…", with no scheme, no authority ("//host"), no backslashes browsers read as slashes,
    // and no control characters that could split the header.
    private static bool IsWithinApi(string redirect) =>
        redirect.StartsWith(ApiPrefix, StringComparison.Ordinal)
        && !redirect.Contains('\\', StringComparison.Ordinal)
        && !redirect.Any(char.IsControl);
}
