namespace PluginHost.Audit;

/// <summary>
/// Stands in for a restored device whose stored options no longer parse: it fails every entry with the reason, so the
/// device stays listed and the broker fails closed instead of silently dropping an audit device.
/// </summary>
internal sealed class BrokenAuditSink(string reason) : IAuditSink
{
    public void Open() => throw new IOException(reason);

    public void Write(ReadOnlyMemory<byte> entry) => throw new IOException(reason);

    public void Reopen()
    {
    }

    public void Dispose()
    {
    }
}
