using System.Security.Cryptography;

namespace PluginHost.Seal;

/// <summary>
/// The key shares given so far towards one unseal (Vault's <c>progress</c> and <c>nonce</c>): the same share twice
/// counts once; at the threshold the shares are combined into the unseal key and the progress starts again.
/// </summary>
internal sealed class UnsealProgress
{
    private readonly Lock _lock = new();
    private readonly List<byte[]> _shares = [];
    private string _nonce = "";

    /// <summary>How many distinct shares were given, and the nonce naming this attempt ("" before the first share).</summary>
    public (int Progress, string Nonce) Status
    {
        get
        {
            lock (_lock)
            {
                return (_shares.Count, _nonce);
            }
        }
    }

    /// <summary>Adds <paramref name="share"/>; answers the combined unseal key once <paramref name="threshold"/> shares are in.</summary>
    /// <exception cref="ArgumentException">The shares cannot be combined (different lengths): the progress is reset.</exception>
    public byte[]? Submit(byte[] share, int threshold)
    {
        ArgumentNullException.ThrowIfNull(share);
        lock (_lock)
        {
            if (_shares.Any(given => CryptographicOperations.FixedTimeEquals(given, share)))
            {
                return null;
            }

            if (_shares.Count == 0)
            {
                _nonce = Guid.NewGuid().ToString();
            }

            _shares.Add([.. share]);
            if (_shares.Count < threshold)
            {
                return null;
            }

            try
            {
                return threshold == 1 ? [.. _shares[0]] : Shamir.Combine(_shares);
            }
            finally
            {
                ResetLocked();
            }
        }
    }

    /// <summary>Forgets the shares given so far (Vault's <c>reset: true</c>).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            ResetLocked();
        }
    }

    private void ResetLocked()
    {
        foreach (var share in _shares)
        {
            CryptographicOperations.ZeroMemory(share);
        }

        _shares.Clear();
        _nonce = "";
    }
}
