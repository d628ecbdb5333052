namespace PluginHost.Seal;

/// <summary>One term of the keyring: a 256-bit data key, when it was installed, and how many writes it encrypted.</summary>
internal sealed class BarrierKey
{
    private static readonly int MaxPooledCiphers = Environment.ProcessorCount * 2;

    private readonly System.Collections.Concurrent.ConcurrentBag<System.Security.Cryptography.AesGcm> _ciphers = [];
    private long _encryptions;

    public BarrierKey(uint term, byte[] value, DateTimeOffset installTime, long encryptions = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (term == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(term), "terms start at 1");
        }

        if (value.Length != BarrierCipher.KeySize)
        {
            throw new ArgumentException($"a barrier key is {BarrierCipher.KeySize} bytes, not {value.Length}", nameof(value));
        }

        Term = term;
        Value = value;
        InstallTime = installTime;
        _encryptions = encryptions;
    }

    /// <summary>The term, written in front of every entry it encrypts.</summary>
    public uint Term { get; }

    /// <summary>The AES-256 key.</summary>
    public byte[] Value { get; }

    /// <summary>When the term was added (Vault's <c>install_time</c>).</summary>
    public DateTimeOffset InstallTime { get; }

    /// <summary>How many entries this term has encrypted since the keyring was loaded, plus those recorded before.</summary>
    public long Encryptions => Interlocked.Read(ref _encryptions);

    /// <summary>Counts one encryption.</summary>
    public void CountEncryption() => Interlocked.Increment(ref _encryptions);

    /// <summary>
    /// An AES-GCM instance for this key, from a small pool: expanding the key for every entry would cost more than
    /// decrypting a small one. An instance serves one caller at a time; give it back with <see cref="Return"/>.
    /// </summary>
    public System.Security.Cryptography.AesGcm Rent() =>
        _ciphers.TryTake(out var cipher) ? cipher : new System.Security.Cryptography.AesGcm(Value, BarrierCipher.TagSize);

    /// <summary>Gives back an instance <see cref="Rent"/> gave; beyond the pool's size it is disposed.</summary>
    public void Return(System.Security.Cryptography.AesGcm cipher)
    {
        if (_ciphers.Count < MaxPooledCiphers)
        {
            _ciphers.Add(cipher);
        }
        else
        {
            cipher.Dispose();
        }
    }
}
