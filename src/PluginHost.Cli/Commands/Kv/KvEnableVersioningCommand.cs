using System.Text.Json;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host kv enable-versioning PATH</c>: tunes a kv version 1 mount to version 2, which moves its keys.</summary>
internal sealed class KvEnableVersioningCommand : Command
{
    public override string Name => "kv enable-versioning";

    public override string Synopsis => "Turns on versioning for a KV store";

    protected override string HelpText => """
        Usage: plugin-host kv enable-versioning [options] KEY

          This command turns on versioning for the backend at the provided path.

              $ plugin-host kv enable-versioning secret
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        var mount = Paths.Mount(args[0]);
        var body = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["options"] = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["version"] = "2" }),
        };
        try
        {
            await run.Client.WriteAsync($"sys/mounts/{mount}tune", body, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error tuning secrets engine " + mount, error);
        }

        run.Ui.Output($"Success! Tuned the secrets engine at: {mount}");
        return 0;
    }
}
