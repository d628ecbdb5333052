using PluginHost.Sdk;

namespace PluginHost.SystemPaths;

/// <summary>
/// Answers Vault's system paths (<c>sys/plugins/catalog/…</c>, <c>sys/mounts/…</c>, <c>sys/auth/…</c>,
/// <c>sys/remount</c>, <c>sys/plugins/reload/backend</c>, <c>sys/policy/…</c>, <c>sys/policies/acl/…</c>,
/// <c>sys/capabilities…</c>, <c>sys/audit…</c>, <c>sys/leases…</c>, <c>sys/seal</c>, <c>sys/key-status</c>, <c>sys/rotate</c>, <c>sys/ha-status</c>, <c>sys/step-down</c>) with Vault's fields and data, so Vault-style clients manage the host with plain logical
/// requests (docs/system-paths.md). The host has authorized the caller before a request gets here.
/// </summary>
internal sealed class SystemBackend
{
    /// <summary>The prefix of the paths this backend answers.</summary>
    public const string Prefix = "sys/";

    private readonly PathTable _paths;

    public SystemBackend(
        CatalogPaths catalog, MountSystemPaths mounts, PolicySystemPaths policies, AuditSystemPaths audit, LeaseSystemPaths leases, SealSystemPaths seal, HaSystemPaths highAvailability, MetricsSystemPaths metrics) =>
        _paths = new PathTable(
            "The system backend: the plugin catalog, mounts, plugin reloads, policies, capabilities, audit devices, the barrier's keys and metrics.",
            [.. catalog.Routes, .. mounts.Routes, .. policies.Routes, .. audit.Routes, .. leases.Routes, .. seal.Routes, .. highAvailability.Routes, .. metrics.Routes]);

    /// <summary>Handles a request whose path is relative to <c>sys/</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response, or <see langword="null"/> when there is nothing at the path.</returns>
    /// <exception cref="PluginHostException">The path or operation is not supported, a field is invalid, or the change failed.</exception>
    public ValueTask<BackendResponse?> HandleAsync(BackendRequest request, CancellationToken cancellationToken) =>
        _paths.HandleAsync(request, cancellationToken);
}
