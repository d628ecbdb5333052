using PluginHost.Backends;

namespace PluginHost.Catalog;

/// <summary>
/// The <c>kv</c> builtin: version 1 (<see cref="KvBackend"/>) or version 2 (<see cref="VersionedKvBackend"/>) as the
/// mount's <c>version</c> option says, chosen at setup, as Vault's kv factory does. Tuning the option restarts the
/// backend, so a mount tuned from 1 to 2 is set up again as version 2 and upgrades its keys.
/// </summary>
internal sealed class KvBuiltin : IBackend
{
    /// <summary>The mount option that selects the version.</summary>
    public const string VersionOption = "version";

    private IBackend _selected = new KvBackend();

    /// <summary>The kv version <paramref name="options"/> ask for: 1 unless <c>version</c> says 2.</summary>
    public static int VersionOf(IReadOnlyDictionary<string, string> options) =>
        options.TryGetValue(VersionOption, out var value) && value.Trim() == "2" ? 2 : 1;

    /// <inheritdoc/>
    public BackendType Type => BackendType.Secret;

    /// <inheritdoc/>
    public SpecialPaths SpecialPaths => _selected.SpecialPaths;

    /// <inheritdoc/>
    public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        _selected = VersionOf(config.Options) == 2 ? new VersionedKvBackend() : new KvBackend();
        return _selected.SetupAsync(config, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken) =>
        _selected.HandleRequestAsync(request, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) =>
        _selected.ExistenceCheckAsync(request, cancellationToken);

    /// <inheritdoc/>
    public ValueTask CleanupAsync(CancellationToken cancellationToken) => _selected.CleanupAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => _selected.InvalidateKeyAsync(key, cancellationToken);
}
