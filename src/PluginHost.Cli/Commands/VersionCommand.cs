using System.Reflection;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host version</c>: <c>plugin-host v0.1.0-preview (commit)</c>, like <c>vault version</c>.</summary>
internal sealed class VersionCommand : Command
{
    public override string Name => "version";

    public override string Synopsis => "Prints the plugin-host version";

    protected override bool UsesHost => false;

    protected override bool IgnoresArguments => true;

    protected override string HelpText => """
        Usage: plugin-host version

          Prints the version of this plugin-host. The library it embeds has the same
          version.

          Print the version:

              $ plugin-host version

          There are no arguments or flags to this command. Any additional arguments or
          flags are ignored.
        """;

    /// <summary>The version line.</summary>
    public static string VersionLine()
    {
        var informational = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0
            ? $"{PluginHostCli.Name} v{informational}"
            : $"{PluginHostCli.Name} v{informational[..plus]} ({informational[(plus + 1)..]})";
    }

    protected override Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        run.Ui.Output(VersionLine());
        return Task.FromResult(0);
    }
}
