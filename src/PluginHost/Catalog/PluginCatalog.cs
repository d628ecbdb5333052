using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PluginHost.Catalog;

/// <summary>
/// The plugin catalog: external plugin binaries pinned by SHA-256 and confined to the plugin directory, plus the
/// host's builtin backends, looked up by type, name and optional version.
/// </summary>
/// <remarks>
/// <para>
/// Selection when no version is asked for: the unversioned external entry, else the highest semantic version among
/// external entries, else the builtin. An asked-for version must match exactly.
/// </para>
/// <para>
/// Reads always go to <see cref="IStorage"/> rather than a cache: the storage is the single source of truth, so
/// several hosts sharing one storage (and a catalog recreated on the same storage) agree without invalidation.
/// Mutations are serialized by one lock because each rewrites a whole per-name document.
/// </para>
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never allocates a wait handle (AvailableWaitHandle is not used), so there is nothing to dispose.")]
public sealed class PluginCatalog
{
    private readonly CatalogStore _store;
    private readonly IOptionsMonitor<PluginHostOptions> _options;
    private readonly ILogger<PluginCatalog> _logger;
    private readonly ReadOnlyDictionary<(BackendType Type, string Name), BuiltinPlugin> _builtins;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Creates a catalog over <paramref name="storage"/>.</summary>
    /// <param name="storage">Where entries are persisted, under <c>core/plugin-catalog/</c>.</param>
    /// <param name="options">The host options; <see cref="PluginHostOptions.PluginDirectory"/> is re-read on every call.</param>
    /// <param name="builtins">The backends compiled into the host; at most one per type and name.</param>
    /// <param name="logger">Receives register and deregister events.</param>
    /// <exception cref="ArgumentException">Two builtins share a type and name, or one has no valid type.</exception>
    public PluginCatalog(IStorage storage, IOptionsMonitor<PluginHostOptions> options, IEnumerable<BuiltinPlugin> builtins, ILogger<PluginCatalog> logger)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(builtins);
        ArgumentNullException.ThrowIfNull(logger);
        _store = new CatalogStore(storage);
        _options = options;
        _logger = logger;
        var byKey = new Dictionary<(BackendType, string), BuiltinPlugin>();
        foreach (var builtin in builtins)
        {
            if (builtin.Type is not (BackendType.Secret or BackendType.Auth or BackendType.Database))
            {
                throw new ArgumentException($"builtin plugin '{builtin.Name}' has type {builtin.Type}; use Secret, Auth or Database", nameof(builtins));
            }

            if (!byKey.TryAdd((builtin.Type, builtin.Name), builtin))
            {
                throw new ArgumentException($"builtin {builtin.Type.ToName()} plugin '{builtin.Name}' is given twice", nameof(builtins));
            }
        }

        _builtins = byKey.AsReadOnly();
    }

    /// <summary>Raised after a successful register or deregister, outside the catalog's lock.</summary>
    /// <remarks>The mount table listens to it to deal with mounts of a deregistered plugin. Handler exceptions are logged, not thrown.</remarks>
    public event EventHandler<CatalogChangedEventArgs>? Changed;

    /// <summary>Validates, verifies and stores an external plugin; an entry with the same type, name and version is replaced.</summary>
    /// <param name="registration">The plugin to register.</param>
    /// <param name="cancellationToken">Cancels the registration.</param>
    /// <returns>The stored entry, with canonical version and lower-case sha256.</returns>
    /// <exception cref="PluginHostException">
    /// A rule is broken (name, type, version, command, sha256), no plugin directory is configured, the file does not
    /// hash to <see cref="PluginRegistration.Sha256"/> (<c>checksums did not match</c>), or the storage failed.
    /// </exception>
    public async Task<CatalogEntry> RegisterAsync(PluginRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);

        // Like Vault, a host without a plugin directory refuses every registration before looking at it.
        var directory = PluginCommandResolver.RequireDirectory(_options.CurrentValue.PluginDirectory);
        var entry = PluginLimitRules.Apply(RegistrationValidator.ToEntry(registration), registration);
        var path = PluginCommandResolver.Resolve(directory, entry.Command);
        await PluginChecksum.VerifyAsync(entry, path, cancellationToken).ConfigureAwait(false);

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var versions = await _store.GetVersionsAsync(entry.Type, entry.Name, cancellationToken).ConfigureAwait(false);
            var updated = versions.Where(e => e.Version != entry.Version).Append(entry).Order(EntryOrder.Instance).ToArray();
            await PersistAsync(entry.Type, entry.Name, updated, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }

        CatalogLog.Registered(_logger, entry.Type, entry.Name, entry.Version, entry.Command, entry.Sha256);
        OnChanged(new CatalogChangedEventArgs(entry.Type, entry.Name, entry.Version, CatalogChangeKind.Registered));
        return entry;
    }

    /// <summary>Looks up the entry that <paramref name="type"/>, <paramref name="name"/> and <paramref name="version"/> select.</summary>
    /// <param name="type">The plugin type.</param>
    /// <param name="name">The plugin name.</param>
    /// <param name="version">An exact version (with or without <c>v</c>), or <see langword="null"/> for the selection order.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The entry (external or builtin), or <see langword="null"/> when nothing matches.</returns>
    /// <exception cref="PluginHostException">The type, name or version is invalid.</exception>
    public async Task<CatalogEntry?> GetAsync(BackendType type, string name, string? version = null, CancellationToken cancellationToken = default)
    {
        RegistrationValidator.ValidateType(type);
        PluginName.Validate(name);
        var requested = PluginVersion.Canonicalize(version);
        var externals = await _store.GetVersionsAsync(type, name, cancellationToken).ConfigureAwait(false);
        var builtin = BuiltinEntry(type, name);
        if (requested is not null)
        {
            return externals.FirstOrDefault(e => e.Version == requested)
                ?? (builtin?.Version == requested ? builtin : null);
        }

        return externals.FirstOrDefault(e => e.Version is null)
            ?? externals.Order(EntryOrder.Instance).LastOrDefault()
            ?? builtin;
    }

    /// <summary>Like <see cref="GetAsync"/>, but throws when nothing matches, with Vault's wording.</summary>
    /// <param name="type">The plugin type wanted (the kind of mount).</param>
    /// <param name="name">The plugin name.</param>
    /// <param name="version">An exact version, or <see langword="null"/> for the selection order.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The selected entry.</returns>
    /// <exception cref="PluginHostException">
    /// <see cref="ErrorCode.NotFound"/> <c>plugin not found in the catalog: NAME</c>; or <see cref="ErrorCode.BadRequest"/>
    /// <c>cannot mount 'NAME' of type 'secret' as an auth method</c> when the name exists only under another type.
    /// </exception>
    public async Task<CatalogEntry> ResolveAsync(BackendType type, string name, string? version = null, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(type, name, version, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            return entry;
        }

        var versionPart = version is null ? "" : $" version {PluginVersion.Canonicalize(version)}";
        if (!await ExistsAsync(type, name, cancellationToken).ConfigureAwait(false))
        {
            foreach (var other in (BackendType[])[BackendType.Secret, BackendType.Auth, BackendType.Database])
            {
                if (other != type && await ExistsAsync(other, name, cancellationToken).ConfigureAwait(false))
                {
                    throw BackendTypeNames.WrongTypeError(name, other, type);
                }
            }
        }

        throw new PluginHostException(ErrorCode.NotFound, $"plugin not found in the catalog: {name}{versionPart}");
    }

    /// <summary>Lists entries, external and builtin, sorted by type name, name, then version (unversioned first).</summary>
    /// <param name="type">Only this type, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The entries. Like Vault, a builtin is left out when an unversioned external entry of its type and name replaces it.</returns>
    public async Task<IReadOnlyList<CatalogEntry>> ListAsync(BackendType? type = null, CancellationToken cancellationToken = default)
    {
        if (type is { } only)
        {
            RegistrationValidator.ValidateType(only);
        }

        var entries = await _store.ListAsync(type, cancellationToken).ConfigureAwait(false);
        var replaced = entries.Where(e => e.Version is null).Select(e => (e.Type, e.Name)).ToHashSet();
        foreach (var (key, _) in _builtins)
        {
            if ((type is null || key.Type == type) && !replaced.Contains(key))
            {
                entries.Add(BuiltinEntry(key.Type, key.Name)!);
            }
        }

        return entries.Order(EntryOrder.Instance).ToArray();
    }

    /// <summary>Removes one external entry; removing an entry that does not exist succeeds.</summary>
    /// <param name="type">The plugin type.</param>
    /// <param name="name">The plugin name.</param>
    /// <param name="version">The exact version to remove, or <see langword="null"/> for the unversioned entry.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when the entry is gone.</returns>
    /// <exception cref="PluginHostException">
    /// Invalid arguments; only a builtin matches (<c>cannot deregister builtin plugin: NAME</c>); or the storage failed.
    /// </exception>
    public async Task DeregisterAsync(BackendType type, string name, string? version = null, CancellationToken cancellationToken = default)
    {
        RegistrationValidator.ValidateType(type);
        PluginName.Validate(name);
        var canonical = PluginVersion.Canonicalize(version);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var versions = await _store.GetVersionsAsync(type, name, cancellationToken).ConfigureAwait(false);
            var remaining = versions.Where(e => e.Version != canonical).ToArray();
            if (remaining.Length == versions.Count)
            {
                if (BuiltinEntry(type, name) is { } builtin && (canonical is null || canonical == builtin.Version))
                {
                    var versionPart = canonical is null ? "" : $"; version \"{canonical}\" cannot be deleted";
                    throw new PluginHostException(
                        ErrorCode.BadRequest,
                        $"cannot deregister builtin plugin: {name}{versionPart}; builtins are part of the host, register an external plugin named '{name}' to shadow it");
                }

                return;
            }

            await PersistAsync(type, name, remaining, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }

        CatalogLog.Deregistered(_logger, type, name, canonical);
        OnChanged(new CatalogChangedEventArgs(type, name, canonical, CatalogChangeKind.Deregistered));
    }

    /// <summary>Returns the builtin of <paramref name="type"/> and <paramref name="name"/>, shadowed or not.</summary>
    /// <param name="type">The plugin type.</param>
    /// <param name="name">The plugin name.</param>
    /// <returns>The builtin, or <see langword="null"/>.</returns>
    public BuiltinPlugin? FindBuiltin(BackendType type, string name) =>
        name is null ? null : _builtins.GetValueOrDefault((type, name));

    /// <summary>
    /// Re-resolves the entry's command in the current plugin directory and re-hashes the file now, so a binary swapped
    /// after registration is refused.
    /// </summary>
    /// <remarks>
    /// The file can still change between this check and an exec of the returned path; a launcher must hash while
    /// copying into a private cache and run the copy.
    /// </remarks>
    /// <param name="entry">An external entry.</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>The full, symlink-free path of the verified executable.</returns>
    /// <exception cref="PluginHostException">
    /// The entry is builtin, the plugin directory is not configured, the command no longer resolves to a regular file
    /// inside it, or the file's digest differs (<c>checksums did not match</c>).
    /// </exception>
    public async Task<string> VerifyChecksumAsync(CatalogEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Builtin)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"plugin '{entry.Name}' is builtin; it has no binary to verify");
        }

        var directory = PluginCommandResolver.RequireDirectory(_options.CurrentValue.PluginDirectory);
        var path = PluginCommandResolver.Resolve(directory, entry.Command);
        await PluginChecksum.VerifyAsync(entry, path, cancellationToken).ConfigureAwait(false);
        return path;
    }

    private CatalogEntry? BuiltinEntry(BackendType type, string name) =>
        FindBuiltin(type, name) is { } builtin
            ? new CatalogEntry { Type = type, Name = builtin.Name, Version = PluginVersion.CanonicalizeOrKeep(builtin.Version), Builtin = true }
            : null;

    private async Task<bool> ExistsAsync(BackendType type, string name, CancellationToken cancellationToken) =>
        _builtins.ContainsKey((type, name))
        || (await _store.GetVersionsAsync(type, name, cancellationToken).ConfigureAwait(false)).Count > 0;

    private async Task PersistAsync(BackendType type, string name, IReadOnlyList<CatalogEntry> versions, CancellationToken cancellationToken)
    {
        try
        {
            await _store.PutVersionsAsync(type, name, versions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PluginHostException and not OperationCanceledException)
        {
            throw new PluginHostException(ErrorCode.Internal, $"failed to persist plugin entry for {type.ToName()} plugin '{name}': {e.Message}", e);
        }
    }

    private void OnChanged(CatalogChangedEventArgs args)
    {
        // The change is already stored; a failing listener must neither undo it nor starve the other listeners.
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((EventHandler<CatalogChangedEventArgs>)handler)(this, args);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                CatalogLog.ChangedHandlerFailed(_logger, e, args.Type, args.Name);
            }
        }
    }
}
