namespace PluginHost.Backends;

/// <summary>
/// Serializes read-modify-write updates of one name (a user, a kv key), so concurrent writes to it never lose each
/// other's changes.
/// </summary>
/// <remarks>A fixed set of striped locks: memory stays bounded however many names there are.</remarks>
internal sealed class StripedLocks
{
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Waits for the lock of <paramref name="name"/>; dispose the result to release it.</summary>
    /// <param name="name">The name, as stored (a normalized username, a kv key).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The held lock.</returns>
    public async ValueTask<Held> EnterAsync(string name, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(name) % (uint)_stripes.Length)];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Held(stripe);
    }

    /// <summary>A held lock.</summary>
    internal readonly struct Held(SemaphoreSlim stripe) : IDisposable
    {
        /// <summary>Releases the lock.</summary>
        public void Dispose() => stripe.Release();
    }
}
