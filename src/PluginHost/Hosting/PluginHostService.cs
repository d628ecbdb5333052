using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Catalog;
using PluginHost.Mounts;
using PluginHost.Runtime;
using PluginHost.SystemPaths;

namespace PluginHost.Hosting;

/// <summary>The default <see cref="IPluginHost"/>: routes requests through the mount table's current snapshot.</summary>
internal sealed partial class PluginHostService(
    PluginCatalog catalog,
    MountTable mounts,
    IOptionsMonitor<PluginHostOptions> options,
    ILogger<PluginHostService> logger) : IPluginHost, IDisposable
{
    private readonly SystemBackend _system = new(catalog, mounts);

    public PluginCatalog Catalog => catalog;

    public MountTable Mounts => mounts;

    public async ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = (request.Path ?? "").TrimStart('/');
        if (path.Length == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "request path is empty; give a logical path such as 'secret/foo'");
        }

        await mounts.EnsureRestoredAsync(cancellationToken).ConfigureAwait(false);
        if (path.StartsWith(SystemBackend.Prefix, StringComparison.Ordinal))
        {
            var system = request with
            {
                Path = path,
                RequestId = RequestIdOf(request),
            };
            return await _system.HandleAsync(system, cancellationToken).ConfigureAwait(false);
        }

        if (!mounts.Routes.TryMatch(path, out var mount))
        {
            throw new PluginHostException(ErrorCode.NotFound, $"no handler for route \"{path}\". route entry not found.");
        }

        var lease = await mount.AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendAsync(lease, mount.Entry.RoutePath, path, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lease.Release();
        }
    }

    public ValueTask DisposeAsync() => mounts.DisposeAsync();

    public void Dispose() => mounts.Dispose();

    private async ValueTask<BackendResponse?> SendAsync(BackendLease lease, string mountPath, string path, BackendRequest request, CancellationToken cancellationToken)
    {
        var timeout = options.CurrentValue.RequestTimeout;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var routed = request with
            {
                Path = path.Length > mountPath.Length ? path[mountPath.Length..] : "",
                MountPoint = mountPath,
                RequestId = RequestIdOf(request),
            };
            var backend = lease.Backend;
            if (routed.Operation == Operation.Update
                && await backend.ExistenceCheckAsync(routed, timeoutSource.Token).ConfigureAwait(false) == false)
            {
                routed = routed with { Operation = Operation.Create };
            }

            return await backend.HandleRequestAsync(routed, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new PluginHostException(
                ErrorCode.Timeout,
                $"request to {path} timed out after {timeout.TotalSeconds:0.###}s; raise PluginHostOptions.RequestTimeout if the backend needs longer");
        }
        catch (Exception ex) when (ex is not PluginHostException and not OperationCanceledException)
        {
            LogBackendFailed(ex, mountPath, request.Operation);
            throw new PluginHostException(ErrorCode.Internal, $"backend at {mountPath} failed: {ex.Message}", ex);
        }
    }

    // The caller's id when it gave one (an HTTP request's), else a new one: what a backend sees as request_id.
    private static string RequestIdOf(BackendRequest request) =>
        string.IsNullOrEmpty(request.RequestId) ? Guid.NewGuid().ToString() : request.RequestId;

    [LoggerMessage(Level = LogLevel.Error, Message = "Backend at {MountPath} failed a {Operation} request")]
    private partial void LogBackendFailed(Exception exception, string mountPath, Operation operation);
}
