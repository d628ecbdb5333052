namespace PluginHost.Policies;

/// <summary>
/// A policy's text could not be parsed or breaks a rule of the policy language. The code is
/// <see cref="ErrorCode.BadRequest"/> and the message reads like Vault's, for example
/// <c>failed to parse policy: path "/": invalid capability "banana"</c>.
/// </summary>
public sealed class PolicyParseException : PluginHostException
{
    private const string Prefix = "failed to parse policy: ";

    /// <summary>Creates an error saying the policy could not be parsed.</summary>
    public PolicyParseException()
        : this("failed to parse policy")
    {
    }

    /// <summary>Creates an error with <paramref name="message"/> as its whole message.</summary>
    /// <param name="message">What went wrong.</param>
    public PolicyParseException(string message)
        : base(ErrorCode.BadRequest, message)
    {
    }

    /// <summary>Creates an error with <paramref name="message"/> as its whole message, caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public PolicyParseException(string message, Exception? innerException)
        : base(ErrorCode.BadRequest, message, innerException)
    {
    }

    /// <summary>An error whose message is Vault's prefix followed by <paramref name="detail"/>.</summary>
    internal static PolicyParseException Because(string detail, Exception? innerException = null) =>
        new(Prefix + detail, innerException);
}
