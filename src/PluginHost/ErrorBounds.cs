namespace PluginHost;

/// <summary>
/// How long an error's text may be wherever it goes (a client, the log, the audit trail), and which internal errors
/// no one meant for a client: those with a cause that is not a <see cref="PluginHostException"/> (a plugin's relayed
/// 500, a corrupt entry, a storage failure), which the HTTP API answers with the request id only.
/// </summary>
internal static class ErrorBounds
{
    /// <summary>The longest error message passed on; longer ones are cut, saying so.</summary>
    public const int MaxMessageChars = 64 * 1024;

    /// <summary>Whether <paramref name="error"/> is an internal error to log rather than show.</summary>
    public static bool IsUnexplained(Exception error) =>
        error is PluginHostException { Code: ErrorCode.Internal, InnerException: { } cause } && cause is not PluginHostException;

    /// <summary><paramref name="message"/> cut to <see cref="MaxMessageChars"/>, saying so.</summary>
    public static string Cut(string message) =>
        message.Length <= MaxMessageChars ? message : string.Concat(message.AsSpan(0, MaxMessageChars), $"… (cut at {MaxMessageChars} characters)");

    /// <summary>
    /// An unexplained internal error bounded for the log and the audit trail: the same one when short enough, else one
    /// whose message is cut and whose cause says so (not the original, which would carry the whole text along). Still
    /// unexplained, so the HTTP API keeps it from clients.
    /// </summary>
    public static PluginHostException Bounded(PluginHostException error) =>
        error.Message.Length <= MaxMessageChars
            ? error
            : new(error.Code, Cut(error.Message), new InvalidDataException($"the internal error was {error.Message.Length} characters long, cut at {MaxMessageChars}"));
}
