namespace PluginHost.Audit;

/// <summary>Vault's <c>file_path=discard</c>: entries count as recorded and go nowhere.</summary>
internal sealed class DiscardAuditSink : IAuditSink
{
    public void Open()
    {
    }

    public void Write(ReadOnlyMemory<byte> entry)
    {
    }

    public void Reopen()
    {
    }

    public void Dispose()
    {
    }
}
