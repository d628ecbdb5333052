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
    public const int MaxErrorMessageChars = 64 * 1024;

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
        new(error.Code, string.Concat(error.Message.AsSpan(0, MaxErrorMessageChars), $"… (cut at {MaxErrorMessageChars} characters)"), error);

    /// <summary>
    /// An internal error bounded for the log and the audit trail: the same one when short enough, else one whose message
    /// is cut and whose cause says so (the cause is not the original, which would carry the whole text along). Still an
    /// internal error with a cause that is not a <see cref="PluginHostException"/>, so the HTTP API keeps it from clients.
    /// </summary>
    public static PluginHostException BoundedInternal(PluginHostException error) =>
        error.Message.Length <= MaxErrorMessageChars
            ? error
            : new(error.Code, string.Concat(error.Message.AsSpan(0, MaxErrorMessageChars), $"… (cut at {MaxErrorMessageChars} characters)"),
                new InvalidDataException($"the backend's internal error was {error.Message.Length} characters long, cut at {MaxErrorMessageChars}"));

    // A path on this server: "/v1/…", with no scheme, no authority ("//host"), no backslashes browsers read as slashes,
    // and no control characters that could split the header.
    private static bool IsWithinApi(string redirect) =>
        redirect.StartsWith(ApiPrefix, StringComparison.Ordinal)
        && !redirect.Contains('\\', StringComparison.Ordinal)
        && !redirect.Any(char.IsControl);
}
