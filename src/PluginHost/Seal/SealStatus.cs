namespace PluginHost.Seal;

/// <summary>What Vault's <c>sys/seal-status</c> answers.</summary>
/// <param name="Type">The seal: <c>shamir</c>, <c>static</c>, or <c>none</c> when the storage is not encrypted.</param>
/// <param name="Initialized">Whether the store has its key chain.</param>
/// <param name="Sealed">Whether requests other than the seal's own are refused with <c>Vault is sealed</c>.</param>
/// <param name="Threshold">How many key shares unseal (<c>t</c>).</param>
/// <param name="Shares">How many key shares there are (<c>n</c>).</param>
/// <param name="Progress">How many distinct shares were given towards the current unseal.</param>
/// <param name="Nonce">Names the current unseal attempt; empty when no share was given.</param>
/// <param name="Migration">Whether the store holds data written before it was encrypted, which <c>init</c> or <c>operator migrate</c> encrypts.</param>
internal sealed record SealStatus(string Type, bool Initialized, bool Sealed, int Threshold, int Shares, int Progress, string Nonce, bool Migration);
