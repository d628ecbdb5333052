using System.Reflection;
using PluginHost.Backends;

namespace PluginHost.Catalog;

/// <summary>The builtin plugins every host has unless <c>PluginHostOptions.RegisterDefaultBuiltins</c> is off.</summary>
internal static class DefaultBuiltins
{
    /// <summary>Vault's style of builtin version: the package version with <c>+builtin</c> metadata.</summary>
    public static readonly string Version = BuiltinVersion(typeof(KvBackend).Assembly);

    public static IReadOnlyList<BuiltinPlugin> All { get; } =
    [
        new("kv", BackendType.Secret, _ => new KvBuiltin()) { Version = Version },
        new("userpass", BackendType.Auth, _ => new UserpassBackend()) { Version = Version },
    ];

    private static string BuiltinVersion(Assembly assembly)
    {
        var version = assembly.GetName().Version ?? new Version(0, 0, 0);
        return $"v{version.Major}.{version.Minor}.{version.Build}+builtin";
    }
}
