using System.Text.RegularExpressions;
using PluginHost.Sdk;

namespace PluginHost.Backends;

/// <summary>
/// A versioned key-value secrets engine like Vault's <c>kv</c> version 2: every write keeps a new version, reads
/// answer <c>data.data</c> and <c>data.metadata</c>, versions can be soft-deleted, undeleted and destroyed, and each
/// key has metadata (<c>max_versions</c>, <c>cas_required</c>, <c>delete_version_after</c>, <c>custom_metadata</c>).
/// </summary>
/// <remarks>
/// <para>
/// Paths, fields, answers and error texts are Vault's (<c>data/</c>, <c>metadata/</c>, <c>delete/</c>,
/// <c>undelete/</c>, <c>destroy/</c>, <c>subkeys/</c>, <c>config</c>), so Vault clients' kv v2 helpers work unchanged.
/// Writes to one key are serialized, so a check-and-set (<c>options.cas</c>) is exact.
/// </para>
/// <para>
/// Set up on a mount that holds version 1 keys (a <c>kv</c> mount tuned to <c>options.version=2</c>), it moves each
/// key into version 2's layout as its version 1, in the background; until that is done every request is answered
/// <c>Upgrading from non-versioned to versioned data…</c>, as Vault does. Everything version 2 stores lives below
/// <c>.kv-v2/</c> in the mount's storage, so a version 1 key under that folder is not moved.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The token source is cancelled in CleanupAsync, which ends the backend's life; without a timer it holds nothing to release.")]
public sealed partial class VersionedKvBackend : PathBackend
{
    private const string BackendHelp =
        "The kv backend stores arbitrary secrets with versions, like Vault's kv secrets engine version 2. "
        + "Write to data/<path>, read it back (any kept version), and manage versions through delete/, undelete/, destroy/ and metadata/.";

    private const string UpgradingText =
        "Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.";

    private readonly TimeProvider _time;
    private readonly KvStore _store;
    private readonly StripedLocks _locks = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile string? _unavailable = UpgradingText;

    /// <summary>Creates a kv version 2 backend on the system clock.</summary>
    public VersionedKvBackend()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates a kv version 2 backend.</summary>
    /// <param name="timeProvider">The clock of version times and of <c>delete_version_after</c>.</param>
    public VersionedKvBackend(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _store = new KvStore(() => Storage);
        Paths = new PathTable(BackendHelp,
        [
            ConfigRoute(),
            DataRoute(),
            VersionsRoute(DeleteRoutePattern(), DeleteVersionsAsync, "Soft-deletes versions of a key: they can be undeleted."),
            VersionsRoute(UndeleteRoutePattern(), UndeleteVersionsAsync, "Undeletes soft-deleted versions of a key."),
            VersionsRoute(DestroyRoutePattern(), DestroyVersionsAsync, "Destroys versions of a key: their data is gone for good."),
            MetadataRoute(),
            SubkeysRoute(),
            InvalidRoute(),
        ]);
    }

    /// <inheritdoc/>
    public override BackendType Type => BackendType.Secret;

    /// <inheritdoc/>
    protected override PathTable Paths { get; }

    /// <summary>Sets the backend up on its mount, and starts moving version 1 keys into version 2's layout when there are any.</summary>
    /// <param name="config">The mount's storage, path and options.</param>
    /// <param name="cancellationToken">Cancels the setup.</param>
    /// <returns>A task that completes once the backend answers requests (an upgrade may still be running).</returns>
    public override async ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken)
    {
        await base.SetupAsync(config, cancellationToken).ConfigureAwait(false);
        if (await _store.IsUpgradedAsync(cancellationToken).ConfigureAwait(false))
        {
            _unavailable = null;
            return;
        }

        var upgrade = new KvUpgrade(Storage, _store, _time);
        if (!await upgrade.HasVersionOneKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            await _store.MarkUpgradedAsync(_time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            _unavailable = null;
            return;
        }

        _ = Task.Run(() => UpgradeAsync(upgrade, config.Logger), CancellationToken.None);
    }

    /// <summary>Stops an upgrade still running; it resumes where it stopped the next time the backend is set up.</summary>
    /// <param name="cancellationToken">Unused: stopping is immediate.</param>
    /// <returns>A completed task.</returns>
    public override ValueTask CleanupAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return ValueTask.CompletedTask;
    }

    private async Task UpgradeAsync(KvUpgrade upgrade, Microsoft.Extensions.Logging.ILogger logger)
    {
        try
        {
            var moved = await upgrade.RunAsync(_stopping.Token).ConfigureAwait(false);
            _unavailable = null;
            LogUpgraded(logger, moved);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopped with the mount: the next setup continues the upgrade.
        }
        catch (Exception e)
        {
            _unavailable = $"upgrading this mount from kv version 1 to version 2 failed ({e.Message}); the version 1 keys not yet moved are untouched. "
                + "Reload the plugin (plugin-host plugin reload -mounts=<path>) to try again";
            LogUpgradeFailed(logger, e);
        }
    }

    // Vault's upgradeCheck: no request is served while version 1 keys are being moved.
    private PathHandler Gate(PathHandler handler) => (request, fields, cancellationToken) =>
        _unavailable is { } reason ? throw new PluginHostException(ErrorCode.BadRequest, reason) : handler(request, fields, cancellationToken);

    private PathExistenceCheck GateCheck(PathExistenceCheck check) => (request, fields, cancellationToken) =>
        _unavailable is null ? check(request, fields, cancellationToken) : ValueTask.FromResult(false);

    private async ValueTask<bool> KeyExistsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        fields.GetString("path").Length > 0
        && await _store.GetMetadataAsync(KvKeys.PathOf(fields.GetString("path")), cancellationToken).ConfigureAwait(false) is not null;

    [GeneratedRegex("^config$", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigRoutePattern();

    [GeneratedRegex("^data/(?<path>.*[^/])$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex DataRoutePattern();

    [GeneratedRegex("^delete/(?<path>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex DeleteRoutePattern();

    [GeneratedRegex("^undelete/(?<path>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex UndeleteRoutePattern();

    [GeneratedRegex("^destroy/(?<path>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex DestroyRoutePattern();

    [GeneratedRegex("^metadata/(?<path>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex MetadataRoutePattern();

    [GeneratedRegex("^subkeys/(?<path>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex SubkeysRoutePattern();

    [GeneratedRegex("^.*$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex AnyPathPattern();

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "Moved {Count} kv version 1 keys to version 2; the mount serves requests again")]
    private static partial void LogUpgraded(Microsoft.Extensions.Logging.ILogger logger, long count);

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Error, Message = "Upgrading the mount from kv version 1 to version 2 failed; reload the plugin to try again")]
    private static partial void LogUpgradeFailed(Microsoft.Extensions.Logging.ILogger logger, Exception error);
}
