namespace PluginHost.Audit;

/// <summary>
/// Hashes the tokens and accessors of an entry: an entry names the caller's token and accessor twice (in <c>auth</c>
/// and in <c>request</c>), and every entry of a caller names the same ones, while HMAC is most of an entry's cost; the
/// device's hasher remembers them (<see cref="AuditHasher.HashToken"/>).
/// </summary>
/// <param name="hasher">The device's hasher.</param>
internal readonly ref struct EntryTokenHashes(AuditHasher hasher)
{
    /// <summary>The device's hasher, for values that are not tokens.</summary>
    public AuditHasher Hasher { get; } = hasher;

    /// <summary>The hashed form of <paramref name="value"/>.</summary>
    /// <param name="value">A token or accessor.</param>
    /// <returns>ASCII bytes.</returns>
    public ReadOnlySpan<byte> Hash(string value) => Hasher.HashToken(value);
}
