using System.Text.Json;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host secrets move SOURCE DESTINATION</c>: writes <c>sys/remount</c>; the engine keeps its data.</summary>
internal sealed class SecretsMoveCommand : Command
{
    public override string Name => "secrets move";

    public override string Synopsis => "Move a secrets engine to a new path";

    protected override string HelpText => """
        Usage: plugin-host secrets move [options] SOURCE DESTINATION

          Moves an existing secrets engine to a new path. Any leases from the old
          secrets engine are revoked, but all configuration associated with the engine
          is preserved. The engine keeps its data.

          Move the existing secrets engine at secret/ to generic/:

              $ plugin-host secrets move secret/ generic/
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 2, 2, "2"))
        {
            return 1;
        }

        var source = Paths.EnsureTrailingSlash(args[0]);
        var destination = Paths.EnsureTrailingSlash(args[1]);
        Requests.Secret? answer;
        try
        {
            answer = await run.Client.WriteAsync(
                "sys/remount",
                new Dictionary<string, JsonElement>(StringComparer.Ordinal)
                {
                    ["from"] = JsonSerializer.SerializeToElement(source),
                    ["to"] = JsonSerializer.SerializeToElement(destination),
                },
                cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error moving secrets engine {source} to {destination}", error);
        }

        // Vault starts the move and polls its status; the host's remount has finished when its write returns.
        var migration = answer?.Data is { } data && data.TryGetValue("migration_id", out var id) ? Output.GoValueFormatter.Format(id) : "";
        run.Ui.Output($"Started moving secrets engine {source} to {destination}, with migration ID {migration}");
        run.Ui.Output($"Success! Finished moving secrets engine {source} to {destination}, with migration ID {migration}");
        return 0;
    }
}
