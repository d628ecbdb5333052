using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Seal;
using PluginHost;
using PluginHost.Catalog;
using PluginHost.HighAvailability;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Storage;
using PluginHost.SystemPaths;
using PluginHost.Telemetry;

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
        services.TryAddSingleton(sp => new HostMetricsCollector(ClockOf(sp)));
        services.TryAddSingleton(sp => new HostSeal(
            sp.GetRequiredService<HostStorage>(),
            (seal, storage) => new HostCore(sp, storage, new SealSystemPaths(seal), seal.HaPaths),
            ClockOf(sp),
            LoggerOf<HostSeal>(sp),
            sp.GetRequiredService<IOptions<PluginHostOptions>>().Value.ApiAddress,
            LoggerOf<HaCoordinator>(sp)));
        services.TryAddSingleton(sp => sp.GetRequiredService<HostSeal>().HighAvailability);

        // The unsealed core's: transient, so that each resolution sees the core of the current unseal.
        services.TryAddTransient(sp => sp.GetRequiredService<HostSeal>().Core.Catalog);
        services.TryAddTransient(sp => sp.GetRequiredService<HostSeal>().Core.Tokens);
        services.TryAddSingleton<IPluginHost>(sp => new PluginHostService(
            sp.GetRequiredService<HostSeal>(),
            new UnsealPaths(sp.GetRequiredService<HostSeal>(), sp.GetRequiredService<HostStorage>())));
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

    /// <summary>
    /// Encrypts everything the host stores behind Vault's barrier, under an unseal key split into Shamir key shares: the
    /// host starts sealed, answers <c>Vault is sealed</c> to everything but <c>sys/init</c>, <c>sys/unseal</c> and
    /// <c>sys/seal-status</c>, and serves once enough shares were given to <c>sys/unseal</c>. <c>sys/init</c> makes the
    /// shares and a root token, and encrypts data the store held before.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <returns>The same builder.</returns>
    public static IPluginHostBuilder UseShamirSeal(this IPluginHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<ShamirSealMarker>();
        return builder;
    }

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
