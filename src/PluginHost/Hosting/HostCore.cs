using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Activation;
using PluginHost.Audit;
using PluginHost.Authorization;
using PluginHost.Catalog;
using PluginHost.DatabaseEngine;
using PluginHost.Leases;
using PluginHost.Mounts;
using PluginHost.Policies;
using PluginHost.Routing;
using PluginHost.Runtime;
using PluginHost.SystemPaths;
using PluginHost.Telemetry;
using PluginHost.Tokens;

namespace PluginHost.Hosting;

/// <summary>
/// Everything a host serves with once its storage is open — catalog, mounts and their plugins, tokens, policies, audit
/// devices, the system paths — built over one storage. A Shamir-sealed host builds one at each unseal and disposes it at
/// each seal, so nothing read from the store (a cached token, a policy, a running plugin) outlives the seal.
/// </summary>
internal sealed class HostCore : IAsyncDisposable
{
    private readonly PluginBinaryCache _binaries;
    private readonly PluginProcessPool _processes;
    private readonly PolicyStore _policies;
    private readonly RequestAuthenticator _authenticator;
    private readonly Router _router;
    private readonly TimeProvider _clock;
    private Task? _auditRestored;
    private Task? _leasesRestored;

    /// <param name="services">The application's services: options, logging, clock, builtin plugins, an <see cref="IBackendFactory"/> of its own.</param>
    /// <param name="storage">The storage this core reads and writes: the open barrier, or the raw store when there is no seal.</param>
    /// <param name="sealPaths">The seal's own system paths (<c>sys/seal</c>, <c>sys/key-status</c>, <c>sys/rotate</c>).</param>
    /// <param name="haPaths">The HA system paths (<c>sys/ha-status</c>, <c>sys/step-down</c>).</param>
    public HostCore(IServiceProvider services, IStorage storage, SealSystemPaths sealPaths, HaSystemPaths haPaths)
    {
        var options = services.GetRequiredService<IOptionsMonitor<PluginHostOptions>>();
        var loggers = LoggerFactoryOf(services);
        _clock = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var builtins = services.GetServices<BuiltinPlugin>();
        if (options.CurrentValue.RegisterDefaultBuiltins)
        {
            // The database engine runs the catalog's database plugins in this core's process pool: it is built here, not in DefaultBuiltins.
            // Built before the catalog it needs (the catalog takes the builtins): the engine reaches the core's parts when called.
            var databases = new HostDatabaseServices(() => Catalog!, () => _processes!, () => Mounts!, () => Leases!, options);
            var database = new BuiltinPlugin("database", BackendType.Secret, _ => new DatabaseBackend(databases, _clock, loggers.CreateLogger<DatabaseBackend>()))
            {
                Version = DefaultBuiltins.Version,
            };
            builtins = DefaultBuiltins.All.Append(database).Concat(builtins);
        }

        Catalog = new PluginCatalog(storage, options, builtins, loggers.CreateLogger<PluginCatalog>());
        _binaries = new PluginBinaryCache(options, Catalog, _clock, loggers.CreateLogger<PluginBinaryCache>());
        _processes = new PluginProcessPool(new PluginLauncher(_binaries, options, loggers), options, loggers.CreateLogger<PluginProcessPool>());
        var factory = services.GetService<IBackendFactory>() ?? new CatalogBackendFactory(Catalog, services, _processes);
        var activator = new BackendActivator(Catalog, factory, storage, loggers);
        Mounts = new MountTable(storage, Catalog, activator, options, _clock, loggers.CreateLogger<MountTable>(), _processes);
        Tokens = new TokenStore(storage, _clock);
        _policies = new PolicyStore(storage);
        _authenticator = new RequestAuthenticator(Tokens, _policies);
        Audit = new AuditBroker(storage, _clock, loggers);
        Leases = new ExpirationManager(storage, new MountLeaseBackend(Mounts, options, _clock), _clock, loggers.CreateLogger<ExpirationManager>());
        Tokens.RevokeLeasesOfToken = Leases.RevokeByTokenAsync;
        Mounts.LeasesOfMount = (
            async (routePath, cancellationToken) => await Leases.RevokePrefixAsync(routePath, force: false, cancellationToken).ConfigureAwait(false),
            Leases.CountAsync);
        var system = new SystemBackend(
            new CatalogPaths(Catalog, Mounts),
            new MountSystemPaths(Mounts),
            new PolicySystemPaths(_policies, _authenticator, Tokens),
            new AuditSystemPaths(Audit),
            new LeaseSystemPaths(Leases),
            sealPaths,
            haPaths,
            new MetricsSystemPaths(services.GetRequiredService<HostMetricsCollector>(), _clock));
        _router = new Router(
            Mounts,
            system,
            new TokenPaths(Tokens, options, _clock),
            new MountDispatcher(new LoginTokens(Tokens, options), Leases, new ClientTokenIds(storage), _clock, options, loggers.CreateLogger<MountDispatcher>()));
    }

    /// <summary>The plugins this core can mount.</summary>
    public PluginCatalog Catalog { get; }

    /// <summary>The mounts, and their running backends.</summary>
    public MountTable Mounts { get; }

    /// <summary>The token store.</summary>
    public TokenStore Tokens { get; }

    /// <summary>The audit devices.</summary>
    public AuditBroker Audit { get; }

    /// <summary>The leases of the secrets backends issued.</summary>
    public ExpirationManager Leases { get; }

    /// <summary>Where plugin binaries are copied and verified before they run.</summary>
    public PluginBinaryCache Binaries => _binaries;

    /// <summary>Waits for the mounts and audit devices to be restored, authenticates the caller, opens the audit trail, and routes.</summary>
    public async ValueTask<HostResponse> HandleAsync(BackendRequest routed, RequestCaller caller, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var principal = await _authenticator.AuthenticateAsync(caller, cancellationToken).ConfigureAwait(false);
        var trail = RequestAudit.Begin(Audit, _clock, principal, caller, routed);
        try
        {
            return await _router.RouteAsync(routed, principal, trail, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (trail is not null && error is not OperationCanceledException)
        {
            await trail.FailedAsync(error.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Restores the mounts (starting their backends) and the audit devices, once; a failure is retried by the next call.</summary>
    public Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        var restoring = Mounts.EnsureRestoredAsync(cancellationToken);
        var ready = Once(ref _auditRestored, () => Audit.RestoreAsync(CancellationToken.None));

        // Leases are revoked through their mounts: they start once the mounts are back.
        var leases = Once(ref _leasesRestored, async () =>
        {
            await Mounts.EnsureRestoredAsync(CancellationToken.None).ConfigureAwait(false);
            await Leases.StartAsync(CancellationToken.None).ConfigureAwait(false);
        });
        return restoring.IsCompletedSuccessfully && ready.IsCompletedSuccessfully && leases.IsCompletedSuccessfully
            ? Task.CompletedTask
            : Task.WhenAll(restoring, ready.WaitAsync(cancellationToken), leases.WaitAsync(cancellationToken));
    }

    private static Task Once(ref Task? started, Func<Task> start)
    {
        var task = LazyInitializer.EnsureInitialized(ref started, start);
        if (task.IsFaulted)
        {
            // A storage failure is not remembered: the next request tries again.
            Interlocked.CompareExchange(ref started, null, task);
        }

        return task;
    }

    /// <summary>Stops every backend and plugin process, closes the audit devices, and drops what was cached.</summary>
    public async ValueTask DisposeAsync()
    {
        await Leases.DisposeAsync().ConfigureAwait(false);
        await Mounts.DisposeAsync().ConfigureAwait(false);
        await _processes.DisposeAsync().ConfigureAwait(false);
        await Audit.DisposeAsync().ConfigureAwait(false);
        _policies.Dispose();
        _binaries.Dispose();
    }

    // Resolved optionally so that the application's AddLogging, called before or after AddPluginHost, always wins.
    private static ILoggerFactory LoggerFactoryOf(IServiceProvider services) =>
        services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
}
