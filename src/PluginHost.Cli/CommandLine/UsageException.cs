namespace PluginHost.Cli.CommandLine;

/// <summary>The command line is wrong: an unknown flag, a missing value, a malformed <c>key=value</c>. Exit code 1.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
        : this("invalid command line")
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
