namespace PluginHost.Routing;

/// <summary>
/// What a backend's answer may carry to HTTP clients: error text up to 64 KiB, and redirects only within this server's
/// API. A plugin is untrusted at runtime; without these bounds a compromised one could send clients to another site
/// (<c>Location: http://evil.example/…</c>) or answer with megabytes of error text.
/// </summary>
/// <remarks>The size of a whole answer is bounded by <see cref="PluginHostOptions.MaxPluginMessageBytes"/> on the wire.</remarks>
internal static class PluginAnswerBounds
{
    /// <summary>The longest error message passed on; longer ones are cut, saying so.</summary>
    public const int MaxErrorMessageChars = ErrorBounds.MaxMessageChars;

    private const string ApiPrefix = "/v1/";

    /// <summary>Returns <paramref name="response"/> unchanged, or throws when it redirects outside this server's API.</summary>
    /// <exception cref="PluginHostException">Internal: the backend answered with a redirect it may not send.</exception>
    public static BackendResponse? Check(BackendResponse? response, string mountPath)
    {
        if (response?.Redirect is { Length: > 0 } redirect && !IsWithinApi(redirect))
        {
            throw new PluginHostException(
                ErrorCode.Internal,
                $"backend at {mountPath} answered with a redirect outside this server's API, which is not passed on; a backend may redirect only to paths under {ApiPrefix}");
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
