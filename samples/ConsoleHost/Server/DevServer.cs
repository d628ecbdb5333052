using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PluginHost.ConsoleHost.Output;
using PluginHost.Hosting;
using PluginHost.Http;

namespace PluginHost.ConsoleHost.Server;

/// <summary>
/// <c>plugin-host server -dev</c>: a PluginHost in memory, served over Vault's HTTP API on one address with a known
/// root token, until SIGINT or SIGTERM; then it stops accepting, lets requests in flight finish, stops the plugins
/// and exits 0. Like <c>vault server -dev</c>, it prints its address and root token once it listens.
/// </summary>
internal static class DevServer
{
    /// <summary>A root token for when none is given: <c>hvs.</c> and 24 random URL-safe characters, Vault's shape.</summary>
    public static string NewRootToken() =>
        "hvs." + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'x').Replace('/', 'y');

    public static async Task<int> RunAsync(DevServerSettings settings, Ui ui, TextWriter log, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.WebHost.UseUrls($"http://{settings.ListenAddress}");
        builder.Services.AddPluginHost(o => o.PluginDirectory = settings.PluginDirectory);
        builder.Services.AddPluginHostHttp(o => o.RootToken = settings.RootToken);

        await using var app = builder.Build();
        app.MapPluginHost();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException error)
        {
            ui.Error($"Error initializing listener of type tcp: {error.Message}");
            return 1;
        }

        // The address Kestrel bound: with port 0 it picked a free one.
        var address = app.Urls.FirstOrDefault() ?? $"http://{settings.ListenAddress}";
        ui.Output(Banner(address, settings));

        // The host's console lifetime turns SIGINT and SIGTERM into a graceful stop; Ctrl+C in plugin-host does too.
        using var cancelled = cancellationToken.Register(() => app.Lifetime.StopApplication());
        using var stopping = app.Lifetime.ApplicationStopping.Register(() => ui.Output("==> PluginHost shutdown triggered"));

        // Returns once Kestrel stopped accepting and requests in flight finished (up to the host's ShutdownTimeout);
        // disposing the app then stops the plugin processes.
        await app.WaitForShutdownAsync(CancellationToken.None);
        await log.FlushAsync(CancellationToken.None);
        return 0;
    }

    private static string Banner(string address, DevServerSettings settings) => $"""
        ==> PluginHost server configuration:

                     Api Address: {address}
                      Listener 1: tcp (addr: "{new Uri(address).Authority}", max_request_size: "{PluginHostHttpOptions.DefaultMaxRequestBodyBytes}")
                Plugin Directory: {settings.PluginDirectory ?? "(none)"}
                         Storage: inmem
                         Version: {Commands.VersionCommand.VersionLine()}

        ==> PluginHost server started! Log data will stream in below:

        WARNING! dev mode is enabled! In this mode, PluginHost runs entirely in-memory
        and every request needs the root token below.

        You may need to set the following environment variables:

            $ export PLUGIN_HOST_ADDR='{address}'
            $ export VAULT_ADDR='{address}'

        Root Token: {settings.RootToken}

        Development mode should NOT be used in production installations!

        """;
}
