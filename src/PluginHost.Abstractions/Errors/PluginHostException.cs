namespace PluginHost;

/// <summary>An error meant for the caller, with a stable <see cref="ErrorCode"/> and a message in Vault's wording.</summary>
/// <remarks>Backends throw it to refuse a request; the host throws it for routing, catalog and mount errors.</remarks>
public class PluginHostException : Exception
{
    /// <summary>Creates an error with code <see cref="ErrorCode.Internal"/>.</summary>
    public PluginHostException()
        : this(ErrorCode.Internal, "internal error")
    {
    }

    /// <summary>Creates an error with code <see cref="ErrorCode.Internal"/>.</summary>
    /// <param name="message">What went wrong.</param>
    public PluginHostException(string message)
        : this(ErrorCode.Internal, message)
    {
    }

    /// <summary>Creates an error with code <see cref="ErrorCode.Internal"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public PluginHostException(string message, Exception? innerException)
        : this(ErrorCode.Internal, message, innerException)
    {
    }

    /// <summary>Creates an error.</summary>
    /// <param name="code">The stable code.</param>
    /// <param name="message">What went wrong and, where it helps, how to fix it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public PluginHostException(ErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The stable error code.</summary>
    public ErrorCode Code { get; }

    /// <summary>The HTTP status Vault answers with for this error.</summary>
    public int StatusCode => (int)Code;
}
