using System.Text.Json;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary>Plugin types as Vault's <c>api.ParsePluginType</c> accepts them, and the catalog paths they name.</summary>
internal static class PluginTypes
{
    private static readonly string[] Known = ["secret", "auth", "database"];

    /// <summary>Returns the type, or <see langword="null"/> and Vault's error text.</summary>
    public static string? Parse(string text, out string error)
    {
        var type = text.Trim();
        error = Known.Contains(type) ? "" : $"\"{Echo.Of(type)}\" is not a supported plugin type";
        return error.Length == 0 ? type : null;
    }

    /// <summary>
    /// The catalog path of the <c>TYPE NAME</c> arguments (<c>sys/plugins/catalog/secret/NAME</c>) and the name; or
    /// <see langword="null"/> after printing Vault's error for a bad type (exit 2).
    /// </summary>
    public static (string Path, string Name)? CatalogPath(CommandRun run, IReadOnlyList<string> args)
    {
        if (Parse(args[0], out var error) is not { } type)
        {
            run.Ui.Error(error);
            return null;
        }

        var name = args[1].Trim();
        return ($"sys/plugins/catalog/{type}/{name}", name);
    }

    /// <summary>The request data that selects a catalog version, or <see langword="null"/> for none.</summary>
    public static Dictionary<string, JsonElement>? VersionData(string version) =>
        version.Length == 0
            ? null
            : new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["version"] = JsonSerializer.SerializeToElement(version) };
}
