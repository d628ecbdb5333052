using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Authorization;
using PluginHost.Cli.Configuration;
using PluginHost.Cli.Requests;
using PluginHost.Hosting;
using PluginHost.Storage.PostgreSql;

namespace PluginHost.Cli.Hosting;

/// <summary>
/// Embedded mode: a plugin host opened in this process on the configured data and plugin directories, on the first
/// request (so <c>-h</c> and usage errors never touch the data directory), and disposed at exit, which stops the
/// plugin processes it started. Requests are served as the application itself (<see cref="RequestCaller.Application"/>:
/// every capability, like a root token), except one that names a token of its own (<c>login TOKEN</c>).
/// </summary>
internal sealed class EmbeddedTarget(HostConfig config, ILoggerFactory loggerFactory) : IRequestTarget
{
    private const string NoPluginDirectory = "plugin directory is not configured";

    private ServiceProvider? _services;
    private IPluginHost? _host;

    public bool IsRemote => false;

    public async Task<TargetResponse?> SendAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        var host = Open();
        var caller = string.IsNullOrEmpty(request.ClientToken) ? RequestCaller.Application : RequestCaller.FromToken(request.ClientToken);
        try
        {
            var answer = await host.HandleRequestAsync(request with { ClientToken = null }, caller, cancellationToken);
            if (answer.Auth is { } issued)
            {
                return new TargetResponse(answer.Response ?? new BackendResponse(), SecretAuth.From(issued), answer.LeaseId);
            }

            // A backend's own status is an error but on a read or list (kv v2's 404 with a deleted version's metadata), as over HTTP.
            if (answer.Response is { StatusCode: { } status } refused && request.Operation is not (Operation.Read or Operation.List))
            {
                throw new ResponseException(request.Operation, request.Path, status, refused.Warnings ?? [], null);
            }

            return answer.Response is { } response ? new TargetResponse(response, LeaseId: answer.LeaseId) : null;
        }
        catch (PluginHostException error)
        {
            throw new ResponseException(request.Operation, request.Path, error.StatusCode, [Explain(error.Message)], error);
        }
        catch (Exception error) when (error is not OperationCanceledException and not OutOfMemoryException and not ResponseException)
        {
            throw new ResponseException(request.Operation, request.Path, 500, [error.Message], error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    private IPluginHost Open()
    {
        if (_host is not null)
        {
            return _host;
        }

        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        var host = services.AddPluginHost(options =>
        {
            options.PluginDirectory = config.PluginDirectory;
            options.DataDirectory = config.Postgres is null ? config.DataDirectory : null;
            options.StorageLockTimeout = config.LockTimeout;
            if (config.Postgres is { } postgres)
            {
                // Only a store one host uses alone: servers sharing one (HA) hold a lock this run would not.
                if (postgres.HaEnabled)
                {
                    throw new TargetUnavailableException(
                        $"the storage in {config.SourceFile} is shared by servers (storage \"postgresql\" with ha_enabled): run this command against one of them (set VAULT_ADDR or PLUGIN_HOST_ADDR)");
                }

                options.UsePostgreSql(postgres.ConnectionUrl, pg =>
                {
                    pg.Table = postgres.Table ?? pg.Table;
                    pg.MaxParallel = postgres.MaxParallel ?? pg.MaxParallel;
                });
            }

            // One command serves a request or two: start only the backends it is asked for.
            options.StartMountsOnRestore = false;
        });
        if (config.SealKeyFile is { } keyFile)
        {
            host.UseStaticSeal(keyFile);
        }

        _services = services.BuildServiceProvider();
        try
        {
            // Resolving the host opens (and locks) the data directory.
            return _host = _services.GetRequiredService<IPluginHost>();
        }
        catch (PluginHostException error)
        {
            throw new TargetUnavailableException(error.Message, error);
        }
        catch (OptionsValidationException error)
        {
            throw new TargetUnavailableException(string.Join("; ", error.Failures), error);
        }
        catch (ArgumentException error)
        {
            // The config's storage settings (a malformed connection_url, a table name that is not plain).
            throw new TargetUnavailableException($"{error.Message} (in {config.SourceFile})", error);
        }
    }

    // Vault's own wording says what is missing; add where to set it, since here it comes from a config file.
    private string Explain(string message) =>
        config.PluginDirectory is null && message.Contains(NoPluginDirectory, StringComparison.Ordinal)
            ? $"{message}; {config.WhereToSetPluginDirectory}"
            : message;
}
