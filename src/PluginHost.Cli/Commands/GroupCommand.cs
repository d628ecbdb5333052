namespace PluginHost.Cli.Commands;

/// <summary>
/// A command that only groups subcommands (<c>secrets</c>, <c>auth</c>, <c>plugin</c>): run alone, or with an unknown
/// subcommand, it prints its help with the list of subcommands and exits 1, as Vault does.
/// </summary>
internal sealed class GroupCommand(string name, string synopsis, string helpText) : Command
{
    /// <summary>The exit code that asks the dispatcher to print this command's help (mitchellh/cli's RunResultHelp).</summary>
    public const int ShowHelp = -18511;

    public override string Name => name;

    public override string Synopsis => synopsis;

    protected override string HelpText => helpText;

    protected override bool UsesHost => false;

    protected override Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        Task.FromResult(ShowHelp);
}
