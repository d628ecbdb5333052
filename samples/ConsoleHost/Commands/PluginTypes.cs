namespace PluginHost.ConsoleHost.Commands;

/// <summary>Plugin types as Vault's <c>api.ParsePluginType</c> accepts them.</summary>
internal static class PluginTypes
{
    private static readonly string[] Known = ["secret", "auth", "database"];

    /// <summary>Returns the type, or <see langword="null"/> and Vault's error text.</summary>
    public static string? Parse(string text, out string error)
    {
        var type = text.Trim();
        error = Known.Contains(type) ? "" : $"\"{type}\" is not a supported plugin type";
        return error.Length == 0 ? type : null;
    }
}
