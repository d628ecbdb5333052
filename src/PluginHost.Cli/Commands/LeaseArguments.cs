using System.Text.Json;

namespace PluginHost.Cli.Commands;

/// <summary>What the <c>lease</c> commands share: the lease id argument, with Vault's messages, and the request data.</summary>
internal static class LeaseArguments
{
    /// <summary>Checks for exactly one id; prints Vault's <c>Missing ID!</c> or <c>Too many arguments</c> and returns false otherwise.</summary>
    public static bool CheckId(CommandRun run, IReadOnlyList<string> args, string expected)
    {
        if (args.Count == 1)
        {
            return true;
        }

        run.Ui.Error(args.Count == 0 ? "Missing ID!" : $"Too many arguments (expected {expected}, got {args.Count})");
        return false;
    }

    /// <summary>The request data: each field serialized as JSON.</summary>
    public static Dictionary<string, JsonElement> Data(params (string Name, object Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => JsonSerializer.SerializeToElement(f.Value), StringComparer.Ordinal);
}
