namespace PluginHost.Mounts;

/// <summary>The words Vault uses for the two mount tables in its messages.</summary>
internal static class MountTableNames
{
    /// <summary><c>a secrets engine</c> or <c>an auth method</c>.</summary>
    public static string Article(BackendType table) => table == BackendType.Auth ? "an auth method" : "a secrets engine";

    /// <summary><c>secrets engine</c> or <c>auth method</c>.</summary>
    public static string Noun(BackendType table) => table == BackendType.Auth ? "auth method" : "secrets engine";
}
