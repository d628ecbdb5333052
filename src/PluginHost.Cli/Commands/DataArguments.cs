using System.Text.Json;
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

    /// <summary>
    /// <c>PATH [K=V…]</c> of a read or a delete: the sanitized path, and the pairs as query data (null when none), as
    /// Vault's CLI sends them in the query string.
    /// </summary>
    public static (string Path, IReadOnlyDictionary<string, JsonElement>? Query) PathAndQuery(CommandRun run, IReadOnlyList<string> args)
    {
        var query = Parse(run, args.Skip(1)).ToQuery();
        return (Paths.Sanitize(args[0]), query.Count > 0 ? query : null);
    }
}
