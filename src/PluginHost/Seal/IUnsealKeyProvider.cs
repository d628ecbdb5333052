namespace PluginHost.Seal;

/// <summary>
/// Gives the host its unseal key at start, so it opens its encrypted storage by itself (auto-unseal): the seam for a
/// key file (<see cref="FileUnsealKeyProvider"/>) or a KMS. Register one with
/// <c>AddPluginHost(…).UseUnsealKeyProvider(…)</c> or <c>UseStaticSeal(keyFile)</c>.
/// </summary>
public interface IUnsealKeyProvider
{
    /// <summary>The 32-byte key that protects the storage's root key; the same one on every start.</summary>
    /// <param name="cancellationToken">Cancels fetching the key.</param>
    /// <returns>The key; the host clears its copy once the storage is open.</returns>
    ValueTask<byte[]> GetUnsealKeyAsync(CancellationToken cancellationToken);
}
