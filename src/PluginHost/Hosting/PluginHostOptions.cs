namespace PluginHost.Hosting;

/// <summary>Settings of a plugin host. Bind them with <c>services.AddPluginHost(o =&gt; …)</c>.</summary>
/// <remarks>
/// <see cref="PluginDirectory"/> is read on every catalog operation through <c>IOptionsMonitor</c>, so a reloaded
/// configuration takes effect without a restart (like Vault's SIGHUP).
/// </remarks>
public sealed class PluginHostOptions
{
    /// <summary>
    /// The directory external plugin binaries must live in. Catalog commands are relative to it.
    /// <see langword="null"/> means external plugins cannot be registered (builtins still work).
    /// </summary>
    public string? PluginDirectory { get; set; }

    /// <summary>
    /// The directory a <c>FileStorage</c> keeps the catalog, mount table and mount data in. <see langword="null"/>
    /// (the default) keeps everything in memory, lost when the host stops. Ignored when <see cref="StorageFactory"/> is set.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Creates the host's storage, for storage other than memory or a data directory. The host owns what it returns and
    /// disposes it with the service provider; return a wrapper if the storage is shared with other owners.
    /// </summary>
    public Func<IServiceProvider, IStorage>? StorageFactory { get; set; }

    /// <summary>How long a second process waits for the data directory's lock before failing. Default: 10 seconds.</summary>
    public TimeSpan StorageLockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one request may run before it fails with <see cref="ErrorCode.Timeout"/>. Default: 60 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long disable, remount and shutdown wait for in-flight requests of a mount to finish. Default: 30 seconds.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the built-in <c>kv</c> secrets engine and <c>userpass</c> auth method are in the catalog. Default: <see langword="true"/>.</summary>
    public bool RegisterDefaultBuiltins { get; set; } = true;
}
