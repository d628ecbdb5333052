using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>kv undelete</c> and <c>kv destroy</c>: <c>-versions</c> (required) written to <c>undelete/</c> or <c>destroy/</c>
/// on a version 2 mount, with Vault's texts.
/// </summary>
internal abstract class KvVersionChangeCommand(string verb, string flagUsage) : KvCommand
{
    private StringListFlag? _versions;

    public sealed override string Name => "kv " + verb;

    protected sealed override void AddKvFlags(FlagSet flags) => _versions = KvVersionsFlag.Add(flags, flagUsage);

    protected sealed override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var versions = KvVersionsFlag.Parse(_versions!);
        if (versions.Count == 0)
        {
            run.Ui.Error($"No versions provided, use the \"-versions\" flag to specify the version to {verb}.");
            return 1;
        }

        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        return await ResolveAsync(run, args[0], cancellationToken) is { } target
            ? await KvVersions.WriteAsync(run, target, versions, verb, char.ToUpperInvariant(verb[0]) + verb[1..], cancellationToken)
            : 2;
    }
}

/// <summary><c>plugin-host kv undelete -versions=N,… [-mount=M] KEY</c>: undeletes soft-deleted versions.</summary>
internal sealed class KvUndeleteCommand() : KvVersionChangeCommand("undelete", "Specifies the version numbers to undelete.")
{
    public override string Synopsis => "Undeletes versions in the KV store";

    protected override string HelpText => """
        Usage: plugin-host kv undelete [options] KEY

          Undeletes the data for the provided version and path in the key-value store.
          This restores the data, allowing it to be returned on get requests.

          To undelete version 3 of key "foo":

              $ plugin-host kv undelete -mount=secret -versions=3 foo
        """;
}

/// <summary><c>plugin-host kv destroy -versions=N,… [-mount=M] KEY</c>: removes versions' data for good.</summary>
internal sealed class KvDestroyCommand() : KvVersionChangeCommand("destroy", "Specifies the version numbers to destroy.")
{
    public override string Synopsis => "Permanently removes one or more versions in the KV store";

    protected override string HelpText => """
        Usage: plugin-host kv destroy [options] KEY

          Permanently removes the specified versions' data from the key-value store. If
          no key exists at the path, no action is taken.

          To destroy version 3 of key foo:

              $ plugin-host kv destroy -mount=secret -versions=3 foo
        """;
}
