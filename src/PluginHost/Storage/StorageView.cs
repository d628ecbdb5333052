using System.Diagnostics;
using PluginHost.Telemetry;

namespace PluginHost.Storage;

/// <summary>
/// The part of another <see cref="IStorage"/> under a fixed prefix, such as <c>logical/&lt;uuid&gt;/</c>: each mount
/// gets one, so a backend can neither see nor name another mount's keys.
/// </summary>
/// <remarks>
/// Every key is checked with <see cref="StorageKey.Validate"/> before the prefix is prepended, so <c>..</c>, empty
/// segments or a leading <c>/</c> can never reach outside the view. Keys in and out of the view are relative to it.
/// </remarks>
/// <example>
/// <code>
/// var view = new StorageView(physical, "logical/3f2a…/");
/// await view.PutAsync(new StorageEntry("config", bytes)); // stored at logical/3f2a…/config
/// </code>
/// </example>
public sealed class StorageView : IStorage
{
    private readonly IStorage _inner;

    /// <summary>Creates a view of <paramref name="inner"/> under <paramref name="prefix"/>.</summary>
    /// <param name="inner">The storage that holds the data.</param>
    /// <param name="prefix">The non-empty folder the view lives in; a trailing <c>/</c> is optional.</param>
    /// <exception cref="PluginHostException">The prefix is empty or not a valid key path (<see cref="ErrorCode.BadRequest"/>).</exception>
    public StorageView(IStorage inner, string prefix)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            // An empty prefix would make the "view" the whole store, which is never what a mount should get.
            throw new PluginHostException(ErrorCode.BadRequest, "storage view prefix is empty; give a folder such as 'logical/<uuid>/'");
        }

        _inner = inner;
        Prefix = StorageKey.NormalizePrefix(prefix);
    }

    /// <summary>The folder of the inner storage this view lives in, ending with <c>/</c>.</summary>
    public string Prefix { get; }

    /// <inheritdoc/>
    public async ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        var started = Stopwatch.GetTimestamp();
        var entry = await _inner.GetAsync(Prefix + key, cancellationToken).ConfigureAwait(false);
        StorageMetrics.Record("get", started);
        return entry is null ? null : new StorageEntry(key, entry.Value);
    }

    /// <inheritdoc/>
    public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        StorageKey.Validate(entry.Key);
        var started = Stopwatch.GetTimestamp();
        return StorageMetrics.MeasureAsync("put", _inner.PutAsync(entry with { Key = Prefix + entry.Key }, cancellationToken), started);
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        var started = Stopwatch.GetTimestamp();
        return StorageMetrics.MeasureAsync("delete", _inner.DeleteAsync(Prefix + key, cancellationToken), started);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var folder = Prefix + StorageKey.NormalizePrefix(prefix);
        var started = Stopwatch.GetTimestamp();
        var keys = await _inner.ListAsync(folder, cancellationToken).ConfigureAwait(false);
        StorageMetrics.Record("list", started);
        return keys;
    }

    /// <summary>Deletes every key in the view, in every folder. Keys outside the view are untouched.</summary>
    /// <param name="cancellationToken">Stops the deletion between keys; keys already deleted stay deleted.</param>
    /// <returns>A task that completes when the view is empty.</returns>
    /// <remarks>The mount table calls this when a mount is disabled, so re-enabling the path starts empty.</remarks>
    public Task DeleteAllAsync(CancellationToken cancellationToken = default) => DeleteFolderAsync(string.Empty, cancellationToken);

    private async Task DeleteFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var children = await ListAsync(folder, cancellationToken).ConfigureAwait(false);
        foreach (var child in children)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (child.EndsWith('/'))
            {
                await DeleteFolderAsync(folder + child, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await DeleteAsync(folder + child, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
