using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host secrets list</c>: reads <c>sys/mounts</c>.</summary>
internal sealed class SecretsListCommand : Command
{
    private BoolFlag? _detailed;

    public override string Name => "secrets list";

    public override string Synopsis => "List enabled secrets engines";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host secrets list [options]

          Lists the enabled secrets engines on the host. This command also outputs
          information about the enabled path including configured TTLs and
          human-friendly descriptions. A TTL of "system" indicates that the system
          default is in use.

          List all enabled secrets engines:

              $ plugin-host secrets list

          List all enabled secrets engines with detailed output:

              $ plugin-host secrets list -detailed
        """;

    protected override void AddFlags(FlagSet flags) =>
        _detailed = flags.Add("Command Options", new BoolFlag(
            "detailed",
            "Print detailed information such as TTLs and replication status about each secrets engine. The default is false."));

    protected override Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        MountListing.RunAsync(run, args, "sys/mounts", "Error listing secrets engines", _detailed!.Value, auth: false, cancellationToken);
}
