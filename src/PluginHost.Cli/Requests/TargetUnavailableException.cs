namespace PluginHost.Cli.Requests;

/// <summary>The host could not be opened or reached, so no request was made: a locked data directory, invalid settings.</summary>
/// <remarks>Vault prints such errors (a refused connection) bare after the command's <c>Error …:</c> prefix, with exit code 2.</remarks>
internal sealed class TargetUnavailableException : Exception
{
    public TargetUnavailableException()
        : this("the host is unavailable")
    {
    }

    public TargetUnavailableException(string message)
        : base(message)
    {
    }

    public TargetUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
