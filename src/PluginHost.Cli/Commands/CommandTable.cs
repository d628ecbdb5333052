namespace PluginHost.Cli.Commands;

/// <summary>Every command by its full name (<c>secrets enable</c>), and the top-level help that lists them.</summary>
internal static class CommandTable
{
    private static readonly string[] CommonCommands = ["read", "write", "delete", "list"];

    private static readonly Dictionary<string, Func<Command>> Factories = new Func<Command>[]
    {
        () => new ReadCommand(),
        () => new WriteCommand(),
        () => new ListCommand(),
        () => new DeleteCommand(),
        () => new PathHelpCommand(),
        () => new VersionCommand(),
        () => new ServerCommand(),
        () => Groups.Secrets,
        () => new SecretsEnableCommand(),
        () => new SecretsDisableCommand(),
        () => new SecretsListCommand(),
        () => new SecretsMoveCommand(),
        () => new SecretsTuneCommand(),
        () => Groups.Auth,
        () => new AuthEnableCommand(),
        () => new AuthDisableCommand(),
        () => new AuthListCommand(),
        () => Groups.Plugin,
        () => new PluginRegisterCommand(),
        () => new PluginDeregisterCommand(),
        () => new PluginListCommand(),
        () => new PluginInfoCommand(),
        () => new PluginReloadCommand(),
        () => Groups.Policy,
        () => new PolicyListCommand(),
        () => new PolicyReadCommand(),
        () => new PolicyWriteCommand(),
        () => new PolicyDeleteCommand(),
        () => new PolicyFmtCommand(),
        () => Groups.Token,
        () => new TokenCreateCommand(),
        () => new TokenLookupCommand(),
        () => new TokenRenewCommand(),
        () => new TokenRevokeCommand(),
        () => new TokenCapabilitiesCommand(),
        () => new LoginCommand(),
        () => Groups.Lease,
        () => new LeaseLookupCommand(),
        () => new LeaseRenewCommand(),
        () => new LeaseRevokeCommand(),
        () => Groups.Audit,
        () => new AuditEnableCommand(),
        () => new AuditDisableCommand(),
        () => new AuditListCommand(),
        () => new StatusCommand(),
        () => Groups.Operator,
        () => new OperatorInitCommand(),
        () => new OperatorUnsealCommand(),
        () => new OperatorSealCommand(),
        () => new OperatorKeyStatusCommand(),
        () => new OperatorRotateCommand(),
        () => new OperatorMigrateCommand(),
        () => Groups.Kv,
        () => new KvGetCommand(),
        () => new KvPutCommand(),
        () => new KvPatchCommand(),
        () => new KvDeleteCommand(),
        () => new KvUndeleteCommand(),
        () => new KvDestroyCommand(),
        () => new KvListCommand(),
        () => new KvEnableVersioningCommand(),
        () => Groups.KvMetadata,
        () => new KvMetadataGetCommand(),
        () => new KvMetadataPutCommand(),
        () => new KvMetadataPatchCommand(),
        () => new KvMetadataDeleteCommand(),
    }.ToDictionary(factory => factory().Name, StringComparer.Ordinal);

    public static IEnumerable<string> Names => Factories.Keys;

    public static Command? Find(string name) => Factories.TryGetValue(name, out var factory) ? factory() : null;

    /// <summary>The direct subcommands of <paramref name="parent"/>, sorted.</summary>
    public static IReadOnlyList<Command> ChildrenOf(string parent) =>
        Factories.Keys
            .Where(n => n.StartsWith(parent + " ", StringComparison.Ordinal) && !n[(parent.Length + 1)..].Contains(' ', StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => Factories[n]())
            .ToArray();

    /// <summary>The top-level help: Vault's <c>Usage: vault &lt;command&gt; [args]</c> with common and other commands.</summary>
    public static string TopLevelHelp()
    {
        var topLevel = Factories.Keys.Where(n => !n.Contains(' ', StringComparison.Ordinal)).ToArray();
        var others = topLevel.Except(CommonCommands).Order(StringComparer.Ordinal).ToArray();
        return $"Usage: {PluginHostCli.Name} <command> [args]\n\nCommon commands:\n{Section(CommonCommands)}\n\nOther commands:\n{Section(others)}";
    }

    /// <summary>A command's help as <c>-h</c> prints it: its text, then its subcommands if it has any.</summary>
    public static string HelpOf(Command command)
    {
        var children = ChildrenOf(command.Name);
        if (children.Count == 0)
        {
            return command.Help();
        }

        var width = children.Max(c => ShortName(c).Length);
        var lines = children.Select(c => $"    {ShortName(c).PadRight(width)}    {c.Synopsis}");
        return $"{command.Help()}\n\nSubcommands:\n{string.Join('\n', lines)}";
    }

    // Like Go's tabwriter in Vault's help (padding 6): names padded to the longest in their section.
    private static string Section(IReadOnlyList<string> names)
    {
        var width = names.Max(n => n.Length) + 6;
        return string.Join('\n', names.Select(n => $"    {n.PadRight(width)}{Find(n)!.Synopsis}"));
    }

    private static string ShortName(Command command) => command.Name[(command.Name.LastIndexOf(' ') + 1)..];
}
