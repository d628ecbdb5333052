namespace PluginHost.Audit;

/// <summary>An enabled audit device as <c>sys/audit</c> lists it.</summary>
internal sealed record AuditDeviceInfo
{
    /// <summary>Where the device is enabled, with its trailing slash (<c>file/</c>).</summary>
    public required string Path { get; init; }

    /// <summary>The device type (<c>file</c>).</summary>
    public required string Type { get; init; }

    /// <summary>What the device is for.</summary>
    public string Description { get; init; } = "";

    /// <summary>The options it was enabled with, as given.</summary>
    public required IReadOnlyDictionary<string, string> Options { get; init; }

    /// <summary>Vault's replication flag; kept and listed, it changes nothing in a single host.</summary>
    public bool Local { get; init; }
}
