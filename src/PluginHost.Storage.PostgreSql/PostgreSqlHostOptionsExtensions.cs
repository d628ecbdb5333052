using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PluginHost.Storage.PostgreSql;

/// <summary>Keeps a host's data in PostgreSQL.</summary>
public static class PostgreSqlHostOptionsExtensions
{
    /// <summary>
    /// Keeps everything the host stores in PostgreSQL (Vault's <c>storage "postgresql"</c>), instead of
    /// <see cref="PluginHostOptions.DataDirectory"/>; with <see cref="PostgresStorageOptions.HaEnabled"/>, several
    /// hosts share it with one of them active.
    /// </summary>
    /// <param name="options">The host's options.</param>
    /// <param name="connectionUrl">A libpq URL (<c>postgres://user:password@host/db</c>) or an Npgsql keyword string.</param>
    /// <param name="configure">Sets the rest: table names, HA, pool size, retries.</param>
    /// <returns>The same options.</returns>
    /// <exception cref="ArgumentException">The settings are invalid: checked here, not at the first request.</exception>
    public static PluginHostOptions UsePostgreSql(this PluginHostOptions options, string connectionUrl, Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new PostgresStorageOptions { ConnectionUrl = connectionUrl };
        configure?.Invoke(settings);

        // Built once to check the settings; the host builds its own when it starts.
        new PostgresStorage(settings).Dispose();
        options.StorageFactory = services => new PostgresStorage(settings, services.GetService<ILoggerFactory>());
        return options;
    }
}
