using PluginHost.Catalog;
using PluginHost.Mounts;
using PluginHost.Sdk;

namespace PluginHost.SystemPaths;

/// <summary>
/// Answers Vault's system paths (<c>sys/plugins/catalog/…</c>, <c>sys/mounts/…</c>, <c>sys/auth/…</c>,
/// <c>sys/remount</c>, <c>sys/plugins/reload/backend</c>) with Vault's fields and data, so Vault-style clients manage
/// plugins and mounts with plain logical requests (docs/system-paths.md).
/// </summary>
internal sealed class SystemBackend
{
    /// <summary>The prefix of the paths this backend answers.</summary>
    public const string Prefix = "sys/";

    private readonly PathTable _paths;

    public SystemBackend(PluginCatalog catalog, MountTable mounts) =>
        _paths = new PathTable(
            "The system backend: the plugin catalog, mounts and plugin reloads.",
            [.. new CatalogPaths(catalog, mounts).Routes, .. new MountSystemPaths(mounts).Routes]);

    /// <summary>Handles a request on a <c>sys/</c> path.</summary>
    /// <param name="request">The request; its path starts with <see cref="Prefix"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response, or <see langword="null"/> when there is nothing at the path.</returns>
    /// <exception cref="PluginHostException">The path or operation is not supported, a field is invalid, or the change failed.</exception>
    public ValueTask<BackendResponse?> HandleAsync(BackendRequest request, CancellationToken cancellationToken) =>
        _paths.HandleAsync(request with { Path = request.Path[Prefix.Length..] }, cancellationToken);
}
