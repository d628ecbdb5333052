using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Cli.Configuration;
using PluginHost.Cli.Output;
using PluginHost.HighAvailability;
using PluginHost.Hosting;
using PluginHost.Storage.PostgreSql;
using PluginHost.Http;
using PluginHost.Mounts;
using PluginHost.Tokens;

namespace PluginHost.Cli.Server;

/// <summary>
/// <c>plugin-host server</c>: a PluginHost served over Vault's HTTP API until SIGINT or SIGTERM; then it stops
/// accepting, lets requests in flight finish, stops the plugins and exits 0. In dev mode it runs in memory with a
/// given root token; from a config file it keeps its data in the data directory, makes a root token the first time
/// (shown once), and SIGHUP re-reads the file to apply a new plugin directory and log level.
/// </summary>
internal static partial class PluginHostServer
{
    /// <summary>A root token for when none is given: <c>hvs.</c> and 24 random URL-safe characters, Vault's shape.</summary>
    public static string NewRootToken() =>
        "hvs." + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'x').Replace('/', 'y');

    /// <param name="settings">Address, mode and directories.</param>
    /// <param name="reloadConfig">Re-reads the config file on SIGHUP; null in dev mode.</param>
    /// <param name="ui">Where the banner and lifecycle lines go (stdout), and errors (stderr).</param>
    /// <param name="cancellationToken">Stops the server like SIGTERM (Ctrl+C in plugin-host).</param>
    public static async Task<int> RunAsync(ServerSettings settings, Func<HostConfig>? reloadConfig, Ui ui, CancellationToken cancellationToken)
    {
        var listener = settings.Config.Listener;
        ServerTls? tls = null;
        if (listener.UsesTls)
        {
            try
            {
                tls = ServerTls.Load(listener);
            }
            catch (ConfigException error)
            {
                ui.Error($"Error initializing the server: {error.Message}");
                return 1;
            }
        }

        using var reloadable = new ReloadableSettings(settings.Config);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (settings.Config.JsonLogs)
        {
            // log_format = "json": Vault's JSON lines, with the trace id of the request a line was written for.
            builder.Logging.AddConsole(o => o.FormatterName = VaultJsonLogFormatter.Name)
                .AddConsoleFormatter<VaultJsonLogFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        // "Hosting failed to start" would print the failure's whole stack; RunAsync reports it in one line instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Logging.AddFilter((_, _, level) => level >= reloadable.MinimumLevel);
        builder.WebHost.UseUrls($"{(tls is null ? "http" : "https")}://{settings.ListenAddress}");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Kestrel closes connections beyond the cap at once, unanswered, instead of letting each hold buffers and a task.
            kestrel.Limits.MaxConcurrentConnections = listener.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = listener.MaxConnections;
            if (tls is not null)
            {
                kestrel.ConfigureHttpsDefaults(tls.Configure);
            }
        });
        if (tls is not null)
        {
            // The slim builder leaves out HTTPS for https:// listen URLs until asked.
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        var postgres = settings.IsDev ? null : settings.Config.Postgres;
        var host = builder.Services.AddPluginHost(o =>
        {
            o.DataDirectory = settings.IsDev || postgres is not null ? null : settings.Config.DataDirectory;
            o.StorageLockTimeout = settings.Config.LockTimeout;
            o.ApiAddress = settings.Config.ApiAddress ?? $"{(tls is null ? "http" : "https")}://{settings.ListenAddress}";
            if (postgres is not null)
            {
                o.UsePostgreSql(postgres.ConnectionUrl, pg =>
                {
                    pg.Table = postgres.Table ?? pg.Table;
                    pg.HaTable = postgres.HaTable ?? pg.HaTable;
                    pg.HaEnabled = postgres.HaEnabled;
                    pg.MaxParallel = postgres.MaxParallel ?? pg.MaxParallel;
                });
            }
        });
        var staticSeal = !settings.IsDev && settings.Config.SealKeyFile is not null;
        if (staticSeal)
        {
            host.UseStaticSeal(settings.Config.SealKeyFile!);
        }
        else
        {
            // Vault's default: the server starts sealed and is unsealed with key shares (dev mode unseals itself).
            host.UseShamirSeal();
        }

        builder.Services.AddSingleton<IConfigureOptions<PluginHostOptions>>(reloadable);
        builder.Services.AddSingleton<IOptionsChangeTokenSource<PluginHostOptions>>(reloadable);
        builder.Services.AddPluginHostHttp(o =>
        {
            o.MaxRequestBodyBytes = listener.MaxRequestSize;
            o.MaxRequestDuration = listener.MaxRequestDuration;
            o.MaxBufferedRequestBodyBytes = listener.MaxBufferedRequestSize;
            o.ForwardStandbyRequests = !settings.Config.DisableRequestForwarding;
        });

        await using var app = builder.Build();
        StartState started;
        try
        {
            // Mapping resolves the host, which opens (and locks) the data directory: a failure to report like the rest.
            app.MapPluginHost();
            started = await StartHostAsync(app.Services, settings, staticSeal, cancellationToken);
            await app.StartAsync(cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Whatever stops the start (a locked or unusable data directory, an address in use or not on this machine,
            // a plugin directory gone) is the operator's to fix: one line, no stack.
            var reason = error is System.Net.Sockets.SocketException ? $"cannot listen on {settings.ListenAddress}: {error.Message}" : error.Message;
            ui.Error($"Error initializing the server: {reason}");
            return 1;
        }

        // The address Kestrel bound: with port 0 it picked a free one.
        var address = app.Urls.FirstOrDefault() ?? $"http://{settings.ListenAddress}";
        ui.Output(Configuration(address, settings, staticSeal));
        ui.Output(settings.IsDev ? DevBanner(address, started.UnsealKey!, settings.DevRootToken!)
            : started.Standby ? StandbyBanner(address)
            : staticSeal ? InitializedBanner(address, started.NewRootToken)
            : SealedBanner(address, started.Status!));

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PluginHost.Server");
        using var sighup = reloadConfig is null ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            ui.Output("==> PluginHost reload triggered");
            Reload(reloadable, reloadConfig, settings.Config, tls, logger);
        });

        // The host's console lifetime turns SIGINT and SIGTERM into a graceful stop; Ctrl+C in plugin-host does too.
        using var cancelled = cancellationToken.Register(() => app.Lifetime.StopApplication());
        using var stopping = app.Lifetime.ApplicationStopping.Register(() => ui.Output("==> PluginHost shutdown triggered"));

        // Returns once Kestrel stopped accepting and requests in flight finished (up to the host's ShutdownTimeout);
        // disposing the app then stops the plugin processes.
        await app.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    // Opens the host as its seal says: dev mode initializes and unseals itself as Vault's does; a static seal opens the
    // data directory and restores the mounts; a Shamir-sealed server waits, sealed, for operator init and unseal.
    private static async Task<StartState> StartHostAsync(IServiceProvider services, ServerSettings settings, bool staticSeal, CancellationToken cancellationToken)
    {
        var host = services.GetRequiredService<IPluginHost>();
        if (settings.IsDev)
        {
            var init = await host.WriteAsync("sys/init", new { secret_shares = 1, secret_threshold = 1 }, cancellationToken)
                ?? throw new InvalidOperationException("sys/init answered nothing");
            var unsealKey = init.Data!["keys_base64"][0].GetString()!;
            await host.WriteAsync("sys/unseal", new { key = unsealKey }, cancellationToken);

            // Vault's dev server has one root token, the one given (or made) for it.
            var tokens = services.GetRequiredService<TokenStore>();
            await tokens.CreateRootAsync(settings.DevRootToken, cancellationToken);
            await tokens.RevokeAsync(init.Data["root_token"].GetString()!, cancellationToken);

            // As Vault's dev server: kv version 2 at secret/, where clients' kv helpers look by default.
            await host.Mounts.EnableAsync(
                new MountRequest
                {
                    Type = BackendType.Secret,
                    Path = "secret",
                    Plugin = "kv",
                    Description = "key/value secret storage",
                    Config = new MountConfig { Options = new Dictionary<string, string> { ["version"] = "2" } },
                },
                cancellationToken);
            return new StartState(unsealKey, null, null);
        }

        if (staticSeal && await ActiveAfterStartAsync(services, cancellationToken))
        {
            // Opening the host opens (and locks) the data directory and restores catalog, mounts and their plugins.
            await host.Mounts.EnsureRestoredAsync(cancellationToken);
            return new StartState(null, await services.GetRequiredService<TokenStore>().InitializeRootAsync(cancellationToken), null);
        }

        if (staticSeal)
        {
            return new StartState(null, null, null, Standby: true);
        }

        var status = await host.ReadAsync("sys/seal-status", cancellationToken) ?? throw new InvalidOperationException("sys/seal-status answered nothing");
        return new StartState(null, null, status);
    }

    // A server sharing HA storage serves only once it holds the lock: wait for the first try to settle (another node
    // may hold the lock, or be paused with it). Alone, it serves at once.
    private static async Task<bool> ActiveAfterStartAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var node = services.GetRequiredService<IHaNode>();
        if (node.State == HaNodeState.Disabled)
        {
            return true;
        }

        using var settled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        settled.CancelAfter(TimeSpan.FromSeconds(5));
        while (node.State is not (HaNodeState.Active or HaNodeState.Standby) && !settled.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return node.State == HaNodeState.Active;
    }

    /// <summary>What is wrong with a plugin directory to start with (it "does not exist", it "is a file…"), or null.</summary>
    public static string? PluginDirectoryProblem(string directory) =>
        Directory.Exists(directory) ? null
        : File.Exists(directory) ? "is a file, not a directory"
        : "does not exist";

    // A bad file is logged and the running settings are kept, as Vault does; what needs a restart is said, not applied.
    private static void Reload(ReloadableSettings reloadable, Func<HostConfig> reloadConfig, HostConfig started, ServerTls? tls, ILogger logger)
    {
        if (tls is not null)
        {
            // Vault re-reads its certificate on SIGHUP: a renewed one is served without a restart.
            try
            {
                tls.Reload();
                LogCertificateReloaded(logger, tls.Describe);
            }
            catch (ConfigException error)
            {
                LogCertificateReloadFailed(logger, error.Message);
            }
        }

        HostConfig next;
        try
        {
            next = reloadConfig();
        }
        catch (ConfigException error)
        {
            LogReloadFailed(logger, error.Message);
            return;
        }

        if (next.PluginDirectory is { } directory && PluginDirectoryProblem(directory) is { } problem)
        {
            LogReloadFailed(logger, $"the plugin directory {directory} {problem}");
            return;
        }

        if (next.DataDirectory != started.DataDirectory || next.Listener != started.Listener || next.Postgres != started.Postgres || next.ApiAddress != started.ApiAddress
            || (next.Address ?? HostConfig.DefaultAddress) != (started.Address ?? HostConfig.DefaultAddress))
        {
            LogRestartNeeded(logger);
        }

        reloadable.Apply(next with { DataDirectory = started.DataDirectory, Address = started.Address, Listener = started.Listener, Postgres = started.Postgres, ApiAddress = started.ApiAddress });
        LogReloaded(logger, next.PluginDirectory ?? "(none)", next.LogLevel);
    }

    private static string Configuration(string address, ServerSettings settings, bool staticSeal) => $"""
        ==> PluginHost server configuration:

                     Api Address: {address}
                      Listener 1: tcp (addr: "{new Uri(address).Authority}", max_request_duration: "{settings.Config.Listener.MaxRequestDuration.TotalSeconds}s", max_request_size: "{settings.Config.Listener.MaxRequestSize}", tls: "{(settings.Config.Listener.UsesTls ? "enabled" : "disabled")}")
                       Log Level: {settings.Config.LogLevel.ToString().ToLowerInvariant()}
                       Seal Type: {(staticSeal ? "static" : "shamir")}
                Plugin Directory: {settings.Config.PluginDirectory ?? "(none)"}
                         Storage: {StorageLine(settings)}
                         Version: {Commands.VersionCommand.VersionLine()}

        ==> PluginHost server started! Log data will stream in below:

        """;

    private static string StorageLine(ServerSettings settings) => settings switch
    {
        { IsDev: true } => "inmem",
        { Config.Postgres: { } postgres } => $"postgresql (HA available: {(postgres.HaEnabled ? "true" : "false")})",
        _ => $"file (path: {settings.Config.DataDirectory})",
    };

    private static string DevBanner(string address, string unsealKey, string rootToken) => $"""
        WARNING! dev mode is enabled! In this mode, PluginHost runs entirely in-memory
        and starts unsealed with a single unseal key. Every request needs a token:
        the root token below, or one made with it.

        You may need to set the following environment variables:

            $ export PLUGIN_HOST_ADDR='{address}'
            $ export VAULT_ADDR='{address}'

        The unseal key and root token are displayed below in case you want to
        seal/unseal PluginHost or re-authenticate.

        Unseal Key: {unsealKey}
        Root Token: {rootToken}

        Development mode should NOT be used in production installations!

        """;

    private static string InitializedBanner(string address, string? rootToken) => rootToken is null
        ? $"""
            The data directory was initialized before: use the root token shown then.

                $ export PLUGIN_HOST_ADDR='{address}'

            """
        : $"""
            PluginHost initialized a new data directory. Its root token is shown once, now:
            keep it safe; it is not stored, and cannot be shown again.

            Root Token: {rootToken}

                $ export PLUGIN_HOST_ADDR='{address}'

            """;

    // What the start leaves to show: dev mode's unseal key, a static seal's first root token, a Shamir seal's status.
    private sealed record StartState(string? UnsealKey, string? NewRootToken, BackendResponse? Status, bool Standby = false);

    private static string StandbyBanner(string address) => $"""
        PluginHost is a standby: another server sharing its storage holds the HA lock
        and serves. This one forwards requests to it, and takes over if it goes away.

            $ export PLUGIN_HOST_ADDR='{address}'
            $ plugin-host read sys/leader

        """;

    private static string SealedBanner(string address, BackendResponse status)
    {
        var initialized = status.Data!["initialized"].GetBoolean();
        return initialized
            ? $"""
                PluginHost is sealed: unseal it with enough of its key shares, one per call
                (after every restart), then use the root token made at initialization.

                    $ export PLUGIN_HOST_ADDR='{address}'
                    $ plugin-host operator unseal

                """
            : $"""
                PluginHost is not initialized. Initialize it once: that makes its unseal key
                shares and root token, and encrypts any data the directory already holds.
                Then unseal it.

                    $ export PLUGIN_HOST_ADDR='{address}'
                    $ plugin-host operator init
                    $ plugin-host operator unseal

                """;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "could not reload config: {Reason}; the running configuration is kept")]
    private static partial void LogReloadFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "reloaded the TLS certificate: {Certificate}")]
    private static partial void LogCertificateReloaded(ILogger logger, string certificate);

    [LoggerMessage(Level = LogLevel.Error, Message = "could not reload the TLS certificate: {Reason}; the one served so far is kept")]
    private static partial void LogCertificateReloadFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the new address, api_addr, data_directory, storage or listener settings take effect at the next start, not on reload")]
    private static partial void LogRestartNeeded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "reloaded config: plugin_directory {PluginDirectory}, log_level {LogLevel}")]
    private static partial void LogReloaded(ILogger logger, string pluginDirectory, LogLevelSetting logLevel);
}
