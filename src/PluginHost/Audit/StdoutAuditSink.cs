namespace PluginHost.Audit;

/// <summary>Vault's <c>file_path=stdout</c>: entries go to the host's standard output, for containers that collect it.</summary>
internal sealed class StdoutAuditSink : IAuditSink
{
    // Every stdout device shares one file descriptor: one lock keeps their lines whole.
    private static readonly Lock StdoutLock = new();
    private static readonly Lazy<Stream> Stdout = new(Console.OpenStandardOutput);

    public void Open() => _ = Stdout.Value;

    public void Write(ReadOnlyMemory<byte> entry)
    {
        lock (StdoutLock)
        {
            // The console stream is unbuffered: the line reaches the OS in one write.
            Stdout.Value.Write(entry.Span);
        }
    }

    public void Reopen()
    {
    }

    public void Dispose()
    {
    }
}
