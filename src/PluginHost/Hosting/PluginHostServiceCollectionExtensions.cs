using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Seal;
using PluginHost;
using PluginHost.Activation;
using PluginHost.Audit;
using PluginHost.Authorization;
using PluginHost.Catalog;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Policies;
using PluginHost.Routing;
using PluginHost.Runtime;
using PluginHost.Storage;
using PluginHost.SystemPaths;
using PluginHost.Tokens;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers PluginHost in a service collection.</summary>
public static class PluginHostServiceCollectionExtensions
{
    /// <summary>
    /// Adds a plugin host: <see cref="IPluginHost"/>, its <see cref="PluginCatalog"/> and <see cref="MountTable"/>, as
    /// singletons. Logging is used when the application registered it (<c>AddLogging</c>), in any order; so is a
    /// <see cref="TimeProvider"/> (retry delays). Invalid options fail with an <see cref="OptionsValidationException"/>
    /// naming each problem when the host is first resolved.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="PluginHostOptions"/>: plugin directory, data directory, limits.</param>
    /// <returns>A builder to add builtin plugins with.</returns>
    /// <example>
    /// <code>
    /// services.AddLogging().AddPluginHost(o => o.DataDirectory = "/var/lib/my-app")
    ///         .AddBuiltinPlugin("my-engine", BackendType.Secret, _ => new MyEngine());
    /// </code>
    /// </example>
    public static IPluginHostBuilder AddPluginHost(this IServiceCollection services, Action<PluginHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PluginHostOptions>, PluginHostOptionsValidator>());

        services.TryAddSingleton<HostStorage>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<PluginHostOptions>>();
            var builtins = sp.GetServices<BuiltinPlugin>();
            if (options.CurrentValue.RegisterDefaultBuiltins)
            {
                builtins = DefaultBuiltins.All.Concat(builtins);
            }

            return new PluginCatalog(sp.GetRequiredService<HostStorage>().Storage, options, builtins, LoggerOf<PluginCatalog>(sp));
        });
        // Disposed by the provider when the host stops: that deletes a temporary cache (no data directory, as in dev mode).
        services.TryAddSingleton(sp => new PluginBinaryCache(
            sp.GetRequiredService<IOptionsMonitor<PluginHostOptions>>(),
            sp.GetRequiredService<PluginCatalog>(),
            ClockOf(sp),
            LoggerOf<PluginBinaryCache>(sp)));
        services.TryAddSingleton(sp => new PluginLauncher(
            sp.GetRequiredService<PluginBinaryCache>(),
            sp.GetRequiredService<IOptionsMonitor<PluginHostOptions>>(),
            LoggerFactoryOf(sp)));
        services.TryAddSingleton(sp => new PluginProcessPool(
            sp.GetRequiredService<PluginLauncher>(),
            sp.GetRequiredService<IOptionsMonitor<PluginHostOptions>>(),
            LoggerOf<PluginProcessPool>(sp)));
        services.TryAddSingleton<IBackendFactory>(sp => new CatalogBackendFactory(
            sp.GetRequiredService<PluginCatalog>(), sp, sp.GetRequiredService<PluginProcessPool>()));
        services.TryAddSingleton(sp => new BackendActivator(
            sp.GetRequiredService<PluginCatalog>(),
            sp.GetRequiredService<IBackendFactory>(),
            sp.GetRequiredService<HostStorage>().Storage,
            LoggerFactoryOf(sp)));
        services.TryAddSingleton(sp => new MountTable(
            sp.GetRequiredService<HostStorage>().Storage,
            sp.GetRequiredService<PluginCatalog>(),
            sp.GetRequiredService<BackendActivator>(),
            sp.GetRequiredService<IOptionsMonitor<PluginHostOptions>>(),
            ClockOf(sp),
            LoggerOf<MountTable>(sp),
            sp.GetRequiredService<PluginProcessPool>()));
        services.TryAddSingleton(sp => new TokenStore(sp.GetRequiredService<HostStorage>().Storage, ClockOf(sp)));
        services.TryAddSingleton(sp => new PolicyStore(sp.GetRequiredService<HostStorage>().Storage));
        services.TryAddSingleton(sp => new ClientTokenIds(sp.GetRequiredService<HostStorage>().Storage));
        services.TryAddSingleton(sp => new RequestAuthenticator(sp.GetRequiredService<TokenStore>(), sp.GetRequiredService<PolicyStore>()));
        services.TryAddSingleton(sp => new LoginTokens(sp.GetRequiredService<TokenStore>(), sp.GetRequiredService<IOptionsMonitor<PluginHostOptions>>()));
        services.TryAddSingleton(sp => new TokenPaths(
            sp.GetRequiredService<TokenStore>(), sp.GetRequiredService<IOptionsMonitor<PluginHostOptions>>(), ClockOf(sp)));
        services.TryAddSingleton(sp => new AuditBroker(sp.GetRequiredService<HostStorage>().Storage, ClockOf(sp), LoggerFactoryOf(sp)));
        services.TryAddSingleton(sp => new SystemBackend(
            new CatalogPaths(sp.GetRequiredService<PluginCatalog>(), sp.GetRequiredService<MountTable>()),
            new MountSystemPaths(sp.GetRequiredService<MountTable>()),
            new PolicySystemPaths(sp.GetRequiredService<PolicyStore>(), sp.GetRequiredService<RequestAuthenticator>(), sp.GetRequiredService<TokenStore>()),
            new AuditSystemPaths(sp.GetRequiredService<AuditBroker>()),
            new BarrierSystemPaths(() => sp.GetRequiredService<HostStorage>().Barrier)));
        services.TryAddSingleton(sp => new Router(
            sp.GetRequiredService<MountTable>(),
            sp.GetRequiredService<SystemBackend>(),
            sp.GetRequiredService<TokenPaths>(),
            new MountDispatcher(
                sp.GetRequiredService<LoginTokens>(),
                sp.GetRequiredService<ClientTokenIds>(),
                ClockOf(sp),
                sp.GetRequiredService<IOptionsMonitor<PluginHostOptions>>(),
                LoggerOf<MountDispatcher>(sp))));
        services.TryAddSingleton<IPluginHost>(sp => new PluginHostService(
            sp.GetRequiredService<PluginCatalog>(),
            sp.GetRequiredService<MountTable>(),
            sp.GetRequiredService<Router>(),
            sp.GetRequiredService<RequestAuthenticator>(),
            sp.GetRequiredService<AuditBroker>(),
            ClockOf(sp)));
        return new PluginHostBuilder(services);
    }

    /// <summary>Adds a builtin plugin: a backend compiled into the application, listed in the catalog with <c>builtin: true</c>.</summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="name">The catalog name.</param>
    /// <param name="type">Secret or auth.</param>
    /// <param name="factory">Creates a new backend for each mount.</param>
    /// <param name="version">The version the catalog reports, or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    public static IPluginHostBuilder AddBuiltinPlugin(
        this IPluginHostBuilder builder,
        string name,
        BackendType type,
        Func<IServiceProvider, IBackend> factory,
        string? version = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new BuiltinPlugin(name, type, factory) { Version = version });
        return builder;
    }

    /// <summary>
    /// Encrypts everything the host stores (AES-256-GCM behind Vault's barrier) under a key the host reads from
    /// <paramref name="keyFile"/> at start (OpenBao's <c>static</c> seal): an empty store is initialized with it, an
    /// existing one opened. Keep the file apart from the data (another volume, a secret mount), mode 0600.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="keyFile">32 random bytes, or them as 64 hex digits or base64 (<c>openssl rand -out FILE 32</c>).</param>
    /// <returns>The same builder.</returns>
    public static IPluginHostBuilder UseStaticSeal(this IPluginHostBuilder builder, string keyFile) =>
        builder.UseUnsealKeyProvider(new FileUnsealKeyProvider(keyFile));

    /// <summary>Encrypts everything the host stores under the key <paramref name="provider"/> gives at start (a KMS, a vault of your own).</summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="provider">Gives the 32-byte unseal key.</param>
    /// <returns>The same builder.</returns>
    public static IPluginHostBuilder UseUnsealKeyProvider(this IPluginHostBuilder builder, IUnsealKeyProvider provider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(provider);
        builder.Services.AddSingleton(provider);
        return builder;
    }

    private static TimeProvider ClockOf(IServiceProvider services) => services.GetService<TimeProvider>() ?? TimeProvider.System;

    // Resolved optionally so that the application's AddLogging, called before or after us, always wins.
    private static ILoggerFactory LoggerFactoryOf(IServiceProvider services) =>
        services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;

    private static ILogger<T> LoggerOf<T>(IServiceProvider services) => LoggerFactoryOf(services).CreateLogger<T>();

    private sealed class PluginHostBuilder(IServiceCollection services) : IPluginHostBuilder
    {
        public IServiceCollection Services => services;
    }
}
