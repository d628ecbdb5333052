namespace PluginHost;

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

    /// <summary>
    /// Where clients and the other hosts reach this host (Vault's <c>api_addr</c>), such as
    /// <c>https://10.0.0.5:8200</c>. Needed when the storage is shared by several hosts (HA): the active node writes it
    /// into the HA lock, and standbys forward or redirect requests to it.
    /// </summary>
    public string? ApiAddress { get; set; }

    /// <summary>How long a second process waits for the data directory's lock before failing. Default: 10 seconds.</summary>
    public TimeSpan StorageLockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one request may run before it fails with <see cref="ErrorCode.Timeout"/>. Default: 60 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long disable, remount and shutdown wait for in-flight requests of a mount to finish. Default: 30 seconds.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether loading the mount tables also starts every mount's backend (in parallel), so the first requests find
    /// them running. Default: <see langword="true"/>. Set <see langword="false"/> for a short-lived host, such as a
    /// command-line run, that serves a request or two: each backend then starts on its mount's first request, and
    /// plugins nobody asks for are never launched.
    /// </summary>
    public bool StartMountsOnRestore { get; set; } = true;

    /// <summary>How long an external plugin may take from launch to an accepted hello. Default: 20 seconds (Vault allows a minute).</summary>
    public TimeSpan PluginStartTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a plugin may go on with a cancelled (or timed-out) request before its process is killed. Default: 5 seconds.</summary>
    public TimeSpan PluginCancellationGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many requests may be in flight to one plugin process; more callers wait in the host. Default: 64.</summary>
    public int MaxConcurrentRequestsPerPlugin { get; set; } = 64;

    /// <summary>The largest message a plugin may send, in bytes; a larger one drops its connection. Default: 16 MiB.</summary>
    public long MaxPluginMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// How many storage calls of one plugin process the host holds at once, from reading a call to writing its answer.
    /// At the limit the host reads nothing more from that plugin until answers are written (backpressure), so a plugin that
    /// floods calls and never reads the answers costs the host a bounded amount of memory. Default: 64.
    /// </summary>
    public int MaxStorageCallsInFlightPerPlugin { get; set; } = 64;

    /// <summary>
    /// How many of those may be for one mount (backend instance) of the process; a call beyond it is refused at once
    /// (503) rather than queued, so one mount cannot take every slot. At most <see cref="MaxStorageCallsInFlightPerPlugin"/>. Default: 32.
    /// </summary>
    public int MaxStorageCallsInFlightPerInstance { get; set; } = 32;

    /// <summary>
    /// How long an answer (or any message) to a plugin may stay unwritten because the plugin stopped reading its
    /// connection; then its connection is dropped, its process stopped, and the mount reports why. Default: 10 seconds.
    /// </summary>
    public TimeSpan PluginWriteStallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a plugin asked to shut down may take before its process tree is killed. Default: 5 seconds.</summary>
    public TimeSpan PluginShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where verified copies of plugin binaries are kept and run from (mode 0700). <see langword="null"/> uses
    /// <c>.plugin-cache</c> under <see cref="DataDirectory"/> (names starting with '.' there belong to the host, not to storage), or a private temporary directory without one.
    /// </summary>
    public string? PluginCacheDirectory { get; set; }

    /// <summary>
    /// Whether each plugin launch gets its own cgroup v2 (created under the host's cgroup, when the host may), so that
    /// stopping the plugin kills everything it started and its limits can be memory.max and pids.max. Default:
    /// <see langword="true"/>. When <see langword="false"/>, or where cgroups cannot be used, plugins are contained by
    /// process tree and environment marker, and limits are rlimits (see docs/security.md, "Process containment").
    /// </summary>
    public bool UseCgroups { get; set; } = true;

    /// <summary>
    /// The memory limit, in bytes, of plugins whose catalog entry sets none (<c>memory_limit</c>). <see langword="null"/>
    /// (the default): no limit. memory.max of the plugin's cgroup where the memory controller is available, else RLIMIT_DATA.
    /// </summary>
    public long? PluginMemoryLimit { get; set; }

    /// <summary>
    /// The process limit of plugins whose catalog entry sets none (<c>max_processes</c>). <see langword="null"/> (the
    /// default): no limit. pids.max of the plugin's cgroup where the pids controller is available, else RLIMIT_NPROC
    /// (per user on Linux: meaningful only when plugins run as their own user).
    /// </summary>
    public int? PluginMaxProcesses { get; set; }

    /// <summary>The open-file limit (RLIMIT_NOFILE) of plugins whose catalog entry sets none (<c>max_open_files</c>). <see langword="null"/> (the default): inherited from the host.</summary>
    public int? PluginMaxOpenFiles { get; set; }

    /// <summary>Whether the built-in <c>kv</c> secrets engine and <c>userpass</c> auth method are in the catalog. Default: <see langword="true"/>.</summary>
    public bool RegisterDefaultBuiltins { get; set; } = true;

    /// <summary>
    /// The TTL of tokens (and later leases) when neither the request nor the mount says (Vault's <c>default_lease_ttl</c>).
    /// Default: 768 hours (32 days).
    /// </summary>
    public TimeSpan DefaultLeaseTtl { get; set; } = TimeSpan.FromHours(768);

    /// <summary>
    /// The longest TTL any token (and later lease) may have, whatever a mount's <c>max_lease_ttl</c> or a login asks
    /// (Vault's <c>max_lease_ttl</c>). Default: 768 hours (32 days).
    /// </summary>
    public TimeSpan MaxLeaseTtl { get; set; } = TimeSpan.FromHours(768);
}
