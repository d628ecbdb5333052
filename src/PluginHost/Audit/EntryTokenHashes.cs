namespace PluginHost.Audit;

/// <summary>
/// Hashes the tokens and accessors of one entry, each distinct value once: an entry names the caller's token and
/// accessor twice (in <c>auth</c> and in <c>request</c>), and HMAC is most of an entry's cost. Nothing outlives the entry.
/// </summary>
internal ref struct EntryTokenHashes
{
    private readonly Span<byte> _first;
    private readonly Span<byte> _second;
    private string? _firstValue;
    private string? _secondValue;
    private bool _replaceSecond;

    /// <summary>Creates the memo over two slots.</summary>
    /// <param name="hasher">The device's hasher.</param>
    /// <param name="buffer">Two times <see cref="AuditHasher.HashedLength"/> bytes, usually on the stack.</param>
    public EntryTokenHashes(AuditHasher hasher, Span<byte> buffer)
    {
        Hasher = hasher;
        _first = buffer[..AuditHasher.HashedLength];
        _second = buffer.Slice(AuditHasher.HashedLength, AuditHasher.HashedLength);
    }

    /// <summary>The device's hasher, for values that are not tokens.</summary>
    public AuditHasher Hasher { get; }

    /// <summary>The hashed form of <paramref name="value"/>, computed once per entry.</summary>
    /// <param name="value">A token or accessor.</param>
    /// <returns>ASCII bytes, valid until the entry is written.</returns>
    public ReadOnlySpan<byte> Hash(string value)
    {
        if (string.Equals(value, _firstValue, StringComparison.Ordinal))
        {
            return _first;
        }

        if (string.Equals(value, _secondValue, StringComparison.Ordinal))
        {
            return _second;
        }

        // Fill the first slot, then the second, then alternate: a login's response names at most two values.
        if (_firstValue is null || !_replaceSecond && _secondValue is not null)
        {
            Hasher.Hash(value, _first);
            _firstValue = value;
            _replaceSecond = true;
            return _first;
        }

        Hasher.Hash(value, _second);
        _secondValue = value;
        _replaceSecond = false;
        return _second;
    }
}
