using Microsoft.Extensions.Logging;
using PluginHost.Mounts;

namespace PluginHost.Audit;

/// <summary>
/// Vault's audit broker: the enabled audit devices, persisted at <c>core/audit</c>, and the fan-out of every request
/// and response entry to all of them. Vault's rule holds: when devices are enabled and none recorded an entry, the
/// call throws and the request must fail, so nothing happens un-audited; one failing device among working ones is
/// logged and the request goes on.
/// </summary>
/// <remarks>
/// Logging reads an immutable snapshot of the devices (no lock across devices); each device serializes its own writes.
/// Enabling, disabling and restoring are serialized with each other and persist before they take effect.
/// </remarks>
internal sealed class AuditBroker : IAsyncDisposable, IDisposable
{
    private readonly AuditTableStore _store;
    private readonly ILogger _logger;
    private readonly AuditDeviceFactory _factory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile AuditDevice[] _devices = [];

    /// <summary>Creates a broker with no devices; call <see cref="RestoreAsync"/> to open the persisted ones.</summary>
    /// <param name="hostStorage">The host's own storage (never a plugin's view).</param>
    /// <param name="clock">The clock of the enable-time test entry.</param>
    /// <param name="loggerFactory">Where device failures are logged.</param>
    public AuditBroker(IStorage hostStorage, TimeProvider clock, ILoggerFactory loggerFactory)
        : this(hostStorage, clock, loggerFactory, AuditDeviceFactory.DefaultSink)
    {
    }

    /// <summary>Creates a broker whose devices write to the sinks <paramref name="openSink"/> makes (a test seam).</summary>
    /// <param name="hostStorage">The host's own storage.</param>
    /// <param name="clock">The clock of the enable-time test entry.</param>
    /// <param name="loggerFactory">Where device failures are logged.</param>
    /// <param name="openSink">Makes the sink of a device from its options; the sink is opened later.</param>
    internal AuditBroker(IStorage hostStorage, TimeProvider clock, ILoggerFactory loggerFactory, Func<AuditDeviceOptions, IAuditSink> openSink)
    {
        ArgumentNullException.ThrowIfNull(hostStorage);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(openSink);
        _store = new AuditTableStore(hostStorage);
        _logger = loggerFactory.CreateLogger<AuditBroker>();
        _factory = new AuditDeviceFactory(clock, _logger, openSink);
    }

    /// <summary>Whether any device is enabled; a volatile read, cheap enough for every request.</summary>
    public bool HasDevices => _devices.Length > 0;

    /// <summary>Opens the devices of the persisted table, with their salts, so hashes stay the same across restarts.</summary>
    /// <param name="cancellationToken">Cancels the storage read.</param>
    /// <returns>A task that completes when the devices are registered.</returns>
    /// <remarks>
    /// A device whose file cannot be opened now stays enabled and fails its entries until the file can be opened, so a
    /// host whose only device is broken refuses requests instead of serving them un-audited.
    /// </remarks>
    /// <exception cref="PluginHostException">The stored table is corrupt (Internal).</exception>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
            var devices = new List<AuditDevice>(stored.Count);
            foreach (var (info, salt) in stored)
            {
                devices.Add(_factory.Restore(info, salt));
            }

            var previous = _devices;
            _devices = [.. devices];
            foreach (var device in previous)
            {
                device.Dispose();
            }

            AuditLog.Restored(_logger, devices.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes the request entry of <paramref name="entry"/> to every device.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Not observed: an entry is written even when the caller gives up, as Vault detaches auditing from the request.</param>
    /// <returns>A completed task, or a faulted one when no device recorded the entry.</returns>
    /// <exception cref="PluginHostException">Devices are enabled and none recorded the entry (Internal); the request must fail.</exception>
    public ValueTask LogRequestAsync(AuditEvent entry, CancellationToken cancellationToken) => Log(entry, response: false);

    /// <summary>Writes the response entry of <paramref name="entry"/> to every device.</summary>
    /// <param name="entry">The entry, with its response, issued auth or error.</param>
    /// <param name="cancellationToken">Not observed (see <see cref="LogRequestAsync"/>).</param>
    /// <returns>A completed task, or a faulted one when no device recorded the entry.</returns>
    /// <exception cref="PluginHostException">Devices are enabled and none recorded the entry (Internal); the response must not be sent.</exception>
    public ValueTask LogResponseAsync(AuditEvent entry, CancellationToken cancellationToken) => Log(entry, response: true);

    /// <summary>Enables a device and persists it (Vault's <c>sys/audit/:path</c> write).</summary>
    /// <param name="path">Where to enable it (<c>file</c>, <c>team/file</c>); a trailing slash is added.</param>
    /// <param name="type">The device type: <c>file</c>.</param>
    /// <param name="description">What it is for.</param>
    /// <param name="options">The device's options (<c>file_path</c>, …).</param>
    /// <param name="local">Vault's replication flag, kept and listed.</param>
    /// <param name="cancellationToken">Cancels before the table is written.</param>
    /// <returns>The enabled device.</returns>
    /// <exception cref="PluginHostException">
    /// The path is empty or in use, the type unknown, an option invalid, or the file cannot be opened or written
    /// (BadRequest, in Vault's words); storage refused the table (Internal). Nothing changed.
    /// </exception>
    public async Task<AuditDeviceInfo> EnableAsync(
        string path, string type, string description, IReadOnlyDictionary<string, string> options, bool local, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(options);
        var sanitized = SanitizePath(path);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var devices = _devices;
            if (devices.Any(d => MountPaths.Overlap(d.Info.Path, sanitized)))
            {
                throw new PluginHostException(ErrorCode.BadRequest, "path already in use");
            }

            var parsed = AuditDeviceOptions.Parse(type, options);
            if (parsed.IsFile && devices.FirstOrDefault(d => d.Options.IsFile && d.Options.FilePath == parsed.FilePath) is { } sharing)
            {
                // Two devices appending to one file would interleave their lines; Vault refuses it too.
                throw new PluginHostException(ErrorCode.BadRequest, $"\"file_path\" \"{parsed.FilePath}\" already in use on device: \"{sharing.Info.Path}\"");
            }

            var info = new AuditDeviceInfo
            {
                Path = sanitized,
                Type = type,
                Description = description ?? "",
                Options = new Dictionary<string, string>(options, StringComparer.Ordinal),
                Local = local,
            };
            var device = _factory.Create(info, parsed);
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                await _store.SaveAsync([.. devices.Select(Stored), Stored(device)], cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                device.Dispose();
                throw;
            }

            _devices = [.. devices, device];
            AuditLog.Enabled(_logger, sanitized, type, parsed.FilePath);
            return info;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Disables a device, persists the table and closes its file after any entry being written.</summary>
    /// <param name="path">The device's path; a trailing slash is added.</param>
    /// <param name="cancellationToken">Cancels before the table is written.</param>
    /// <returns>A task that completes when the device is gone; a path with no device is not an error, as in Vault.</returns>
    /// <exception cref="PluginHostException">The path is empty (BadRequest) or storage refused the table (Internal).</exception>
    public async Task DisableAsync(string path, CancellationToken cancellationToken)
    {
        var sanitized = SanitizePath(path);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var devices = _devices;
            var device = Array.Find(devices, d => d.Info.Path == sanitized);
            if (device is null)
            {
                return;
            }

            var remaining = devices.Where(d => d != device).ToArray();
            await _store.SaveAsync(remaining.Select(Stored), cancellationToken).ConfigureAwait(false);
            _devices = remaining;
            device.Dispose();
            AuditLog.Disabled(_logger, sanitized);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The enabled devices, in path order.</summary>
    /// <returns>Their descriptions.</returns>
    public IReadOnlyList<AuditDeviceInfo> List() => [.. _devices.Select(d => d.Info).OrderBy(i => i.Path, StringComparer.Ordinal)];

    /// <summary>Hashes <paramref name="input"/> with a device's salt, as its entries show it (Vault's <c>sys/audit-hash</c>).</summary>
    /// <param name="path">The device's path; a trailing slash is added.</param>
    /// <param name="input">The value to hash.</param>
    /// <param name="cancellationToken">Unused: hashing does not wait.</param>
    /// <returns><c>hmac-sha256:</c> and the hex digest.</returns>
    /// <exception cref="PluginHostException">The input is empty or no device is at the path (BadRequest, in Vault's words).</exception>
    public Task<string> HashAsync(string path, string input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(input))
        {
            return Task.FromException<string>(new PluginHostException(ErrorCode.BadRequest, "the \"input\" parameter is empty"));
        }

        var key = (path ?? "").TrimStart('/');
        key = key.EndsWith('/') ? key : key + "/";
        return Array.Find(_devices, d => d.Info.Path == key) is { } device
            ? Task.FromResult(device.Hasher.Hash(input))
            : Task.FromException<string>(new PluginHostException(ErrorCode.BadRequest, $"unknown audit backend \"{key}\""));
    }

    /// <summary>Reopens every device's file (Vault's SIGHUP), so a rotated log is replaced by a new one; failures are logged.</summary>
    public void Reopen()
    {
        foreach (var device in _devices)
        {
            try
            {
                device.Reopen();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                AuditLog.ReopenFailed(_logger, device.Info.Path, device.Options.FilePath, ex.Message);
            }
        }
    }

    /// <summary>Closes every device's file.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes every device (closing is synchronous, so a provider disposed either way closes them).</summary>
    public void Dispose()
    {
        var devices = _devices;
        _devices = [];
        foreach (var device in devices)
        {
            device.Dispose();
        }

        _gate.Dispose();
    }

    private static AuditTableStore.Entry Stored(AuditDevice device) => new(device.Info, device.Salt);

    private static string SanitizePath(string path)
    {
        var trimmed = (path ?? "").Trim('/');
        return trimmed.Length == 0
            ? throw new PluginHostException(ErrorCode.BadRequest, "backend path must be specified")
            : MountPaths.Sanitize(trimmed);
    }

    private ValueTask Log(AuditEvent entry, bool response)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var devices = _devices;
        if (devices.Length == 0)
        {
            return ValueTask.CompletedTask;
        }

        var written = 0;
        var failed = 0;
        foreach (var device in devices)
        {
            switch (device.TryWrite(entry, response, out var failure))
            {
                case AuditDevice.WriteResult.Written:
                    written++;
                    break;
                case AuditDevice.WriteResult.Failed:
                    failed++;
                    AuditLog.DeviceFailed(_logger, device.Info.Path, EntryType(response), entry.Request.Id, failure!.Message);
                    break;
            }
        }

        // Devices disabled while the entry was on its way neither recorded nor failed it.
        if (written > 0 || failed == 0)
        {
            return ValueTask.CompletedTask;
        }

        AuditLog.NoDeviceRecorded(_logger, EntryType(response), entry.Request.Id);
        return ValueTask.FromException(new PluginHostException(ErrorCode.Internal, $"no audit backend succeeded in logging the {EntryType(response)}"));
    }

    private static string EntryType(bool response) => response ? "response" : "request";
}
