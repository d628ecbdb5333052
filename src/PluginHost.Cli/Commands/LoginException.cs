namespace PluginHost.Cli.Commands;

/// <summary>A login could not be made: <c>Error authenticating: …</c> (exit 2), as Vault's auth handlers fail.</summary>
internal sealed class LoginException : Exception
{
    public LoginException()
        : this("login failed")
    {
    }

    public LoginException(string message)
        : base(message)
    {
    }

    public LoginException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
