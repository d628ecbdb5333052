using PluginHost.Catalog;
using PluginHost.Mounts;

namespace PluginHost.Hosting;

/// <summary>
/// A plugin host: its catalog, its mount table, and one entry point that routes any logical path to the backend
/// mounted there. Get it from dependency injection after <c>services.AddPluginHost(…)</c>.
/// </summary>
/// <example>
/// <code>
/// await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" });
/// await host.WriteAsync("secret/hello", new { value = "world" });
/// var answer = await host.ReadAsync("secret/hello");
/// </code>
/// </example>
public interface IPluginHost : IAsyncDisposable
{
    /// <summary>The plugins this host can mount.</summary>
    PluginCatalog Catalog { get; }

    /// <summary>The secrets engines and auth methods mounted in this host.</summary>
    MountTable Mounts { get; }

    /// <summary>
    /// Routes a request by its full logical path (<c>secret/foo</c>, <c>auth/userpass/login/alice</c>) to the mount with
    /// the longest matching path and returns the backend's answer. A write is sent as <see cref="Operation.Update"/>
    /// and becomes <see cref="Operation.Create"/> when the backend's existence check says the target is new.
    /// </summary>
    /// <param name="request">The request, with <see cref="BackendRequest.Path"/> the full logical path.</param>
    /// <param name="cancellationToken">Cancels the request; the backend sees the cancellation.</param>
    /// <returns>The backend's response, or <see langword="null"/> when there is nothing at the path.</returns>
    /// <exception cref="PluginHostException">
    /// No mount matches (NotFound), the mount is changing or its plugin cannot run (Unavailable), the request timed
    /// out (Timeout), or the backend refused it (its own code).
    /// </exception>
    ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken = default);
}
