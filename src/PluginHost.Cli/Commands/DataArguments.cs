using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary>Parses <c>K=V</c> arguments with Vault's error: <c>Failed to parse K=V data: …</c> (exit 1).</summary>
internal static class DataArguments
{
    public static KeyValueBuilder Parse(CommandRun run, IEnumerable<string> args)
    {
        try
        {
            return new KeyValueBuilder(run.Environment.OpenStdin, run.Environment.CurrentDirectory).Add(args);
        }
        catch (UsageException error)
        {
            throw new UsageException($"Failed to parse K=V data: {error.Message}", error);
        }
    }
}
