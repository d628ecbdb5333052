namespace PluginHost.Seal;

/// <summary>A host's seal as its system paths drive it (<c>sys/init</c>, <c>sys/unseal</c>, <c>sys/seal-status</c>, <c>sys/seal</c>, <c>sys/rotate</c>).</summary>
internal interface ISeal
{
    /// <summary>How the store is protected.</summary>
    SealKind Kind { get; }

    /// <summary>The open barrier's keyring, or <see langword="null"/> when the storage is not encrypted.</summary>
    /// <exception cref="PluginHostException">The host is sealed.</exception>
    IBarrierControl? Barrier { get; }

    /// <summary>What Vault's <c>sys/seal-status</c> answers.</summary>
    ValueTask<SealStatus> StatusAsync(CancellationToken cancellationToken);

    /// <summary>Initializes the store: key shares and a root token (Vault's <c>sys/init</c>).</summary>
    ValueTask<(byte[][] Keys, string RootToken)> InitializeAsync(int shares, int threshold, string? rootTokenId, CancellationToken cancellationToken);

    /// <summary>Adds one key share towards unsealing (Vault's <c>sys/unseal</c>).</summary>
    ValueTask<SealStatus> UnsealAsync(byte[] share, CancellationToken cancellationToken);

    /// <summary>Forgets the shares given so far.</summary>
    void ResetUnseal();

    /// <summary>Refuses to seal a host that nothing could unseal again.</summary>
    void EnsureCanSeal();
}
