namespace PluginHost.Audit;

/// <summary>Where one audit device writes its entries: a file, standard output or nowhere.</summary>
/// <remarks>Not thread-safe: the owning <see cref="AuditDevice"/> calls it under its lock, one entry at a time.</remarks>
internal interface IAuditSink : IDisposable
{
    /// <summary>Opens the target now, so enabling a device reports an unusable path at once.</summary>
    /// <exception cref="IOException">The target cannot be opened (or <see cref="UnauthorizedAccessException"/>); the message says why.</exception>
    void Open();

    /// <summary>Writes one complete entry (its JSON line with the newline) and hands it to the OS before returning.</summary>
    /// <param name="entry">The bytes.</param>
    /// <exception cref="IOException">The entry could not be written (or <see cref="UnauthorizedAccessException"/>).</exception>
    void Write(ReadOnlyMemory<byte> entry);

    /// <summary>Closes and opens the target again, so a rotated log file is replaced by a new one (SIGHUP).</summary>
    void Reopen();
}
