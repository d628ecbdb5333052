using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host auth list</c>: reads <c>sys/auth</c>.</summary>
internal sealed class AuthListCommand : Command
{
    private BoolFlag? _detailed;

    public override string Name => "auth list";

    public override string Synopsis => "Lists enabled auth methods";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host auth list [options]

          Lists the enabled auth methods on the host. This command also outputs
          information about the method including configuration and human-friendly
          descriptions. A TTL of "system" indicates that the system default is in use.

          List all enabled auth methods:

              $ plugin-host auth list

          List all enabled auth methods with detailed output:

              $ plugin-host auth list -detailed
        """;

    protected override void AddFlags(FlagSet flags) =>
        _detailed = flags.Add("Command Options", new BoolFlag(
            "detailed",
            "Print detailed information such as configuration and replication status about each auth method. This option is only applicable to table-formatted output. The default is false."));

    protected override Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        MountListing.RunAsync(run, args, "sys/auth", "Error listing enabled authentications", _detailed!.Value, auth: true, cancellationToken);
}
