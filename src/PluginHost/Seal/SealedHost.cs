namespace PluginHost.Seal;

/// <summary>What a sealed host answers to every request but the seal's own.</summary>
internal static class SealedHost
{
    /// <summary>Vault's text, which clients match.</summary>
    public const string Message = "Vault is sealed";

    /// <summary>503 <c>Vault is sealed</c>.</summary>
    public static PluginHostException Error() => new(ErrorCode.Unavailable, Message);
}
