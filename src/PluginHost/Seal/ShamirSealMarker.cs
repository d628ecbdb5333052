namespace PluginHost.Seal;

/// <summary>Registered by <c>UseShamirSeal</c>: the host starts sealed and is unsealed with key shares.</summary>
internal sealed class ShamirSealMarker;
