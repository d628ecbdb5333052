using Microsoft.Extensions.Logging;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Configuration;
using PluginHost.Cli.Hosting;
using PluginHost.Cli.Output;
using PluginHost.Seal;
using PluginHost.Storage;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host operator migrate [-config=FILE]</c>, offline: encrypts a data directory written without a seal under
/// the config file's <c>seal "static" { key_file }</c>, holding the directory's lock as embedded mode does. The library
/// does it crash-safe, so an interrupted run is finished by the next.
/// </summary>
internal sealed class OperatorMigrateCommand : Command
{
    public override string Name => "operator migrate";

    public override string Synopsis => "Encrypts a data directory for the static seal";

    protected override string HelpText => """
        Usage: plugin-host operator migrate [options]

          Encrypts a data directory that was written without a seal, in place, under
          the key file of the config file's seal "static" { key_file = "…" } stanza.
          Afterwards the server and the embedded commands open it with that key file.

          The migration runs offline: stop the server first (the command takes the
          data directory's lock, as embedded mode does). It is crash-safe: if it is
          interrupted, run it again with the same key file and it finishes.

          A server without a static seal starts sealed instead, and
          "plugin-host operator init" encrypts the existing data as it initializes.

          Encrypt the data directory of plugin-host.hcl:

              $ plugin-host operator migrate -config=plugin-host.hcl
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 0, 0, "0"))
        {
            return 1;
        }

        // Always the local config, even when PLUGIN_HOST_ADDR is set: the server must be stopped for this.
        var config = new ConfigLoader(run.Environment).Load(run.ConfigFile);
        if (config.SourceFile is null)
        {
            run.Ui.Error($"A config file must be specified with -config (or {ConfigLoader.EnvironmentVariable}, or ./{ConfigLoader.DefaultFileName})");
            return 1;
        }

        if (config.SealKeyFile is not { } keyFile)
        {
            run.Ui.Error(TextWrap.WithPadding(
                $"Error: {Echo.Of(config.SourceFile)} has no seal \"static\" {{ key_file = \"…\" }} stanza, and operator migrate " +
                "encrypts a data directory under its key file: add one (openssl rand -out FILE 32 makes a key; chmod 600 " +
                "it), then run this again. For a server without a static seal, there is nothing to migrate: " +
                $"\"{PluginHostCli.Name} operator init\" encrypts the existing data as it initializes the server.",
                0));
            return 1;
        }

        var directory = config.DataDirectory;
        if (!Directory.Exists(directory))
        {
            run.Ui.Error($"Error migrating: the data directory {Echo.Of(directory)} does not exist: there is nothing to encrypt (a new data directory with a seal is encrypted from its first use)");
            return 1;
        }

        FileStorage storage;
        try
        {
            var logger = new StderrLoggerFactory(run.Environment.Error, config.LogLevel).CreateLogger<FileStorage>();
            storage = new FileStorage(directory, config.LockTimeout, logger);
        }
        catch (PluginHostException error)
        {
            run.Ui.Error($"Error migrating: {error.Message} (operator migrate runs with the server stopped)");
            return 2;
        }

        using (storage)
        {
            var chain = new BarrierKeys(storage, TimeProvider.System);
            int encrypted;
            try
            {
                encrypted = await new AutoUnsealedStorage(storage, new FileUnsealKeyProvider(keyFile), chain).MigrateAsync(cancellationToken);
            }
            catch (PluginHostException error)
            {
                // The library refuses an initialized store with Vault's "Vault is already initialized": say what that means here.
                var message = await chain.ReadConfigAsync(cancellationToken) is { } existing
                    ? $"the data directory {Echo.Of(directory)} is already encrypted ({Describe(existing)}): there is nothing to migrate"
                    : error.Message;
                run.Ui.Error($"Error migrating: {message}");
                return 2;
            }

            run.Ui.Output($"Success! Encrypted {encrypted} entries of {Echo.Of(directory)} under the static seal.");
            return 0;
        }
    }

    private static string Describe(SealConfig config) => config.Type switch
    {
        SealConfig.Static => "under a static seal: the server and the embedded commands open it with its key file",
        SealConfig.Shamir => $"with Shamir key shares: run {PluginHostCli.Name} server without a static seal and unseal it",
        _ => $"under a '{config.Type}' seal",
    };
}
