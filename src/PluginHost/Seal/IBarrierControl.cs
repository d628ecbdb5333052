namespace PluginHost.Seal;

/// <summary>The open barrier's keyring, as <c>sys/key-status</c> and <c>sys/rotate</c> use it.</summary>
internal interface IBarrierControl
{
    /// <summary>The term new entries are encrypted with.</summary>
    ValueTask<BarrierKey> ActiveKeyAsync(CancellationToken cancellationToken);

    /// <summary>Adds a keyring term that new writes use from now on; old terms still decrypt.</summary>
    ValueTask<BarrierKey> RotateAsync(CancellationToken cancellationToken);
}
