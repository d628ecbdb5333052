using PluginHost.Mounts;

namespace PluginHost.Authorization;

/// <summary>
/// The paths under <c>sys/</c> that need <c>sudo</c> besides their capability: Vault's root-protected system paths
/// (<c>logical_system.go</c>'s <c>PathsSpecial.Root</c>), the whole list, including those PluginHost does not serve yet,
/// so they are protected the day they are. <c>sys/mounts/*</c> and <c>sys/policy/*</c> are deliberately not here.
/// </summary>
internal static class SystemRootPaths
{
    /// <summary>The patterns, relative to <c>sys/</c>; a trailing <c>*</c> matches any suffix.</summary>
    public static IReadOnlyList<string> Patterns { get; } =
    [
        "auth/*",
        "remount",
        "audit",
        "audit/*",
        "raw",
        "raw/*",
        "rotate",
        "config/cors",
        "config/auditing/*",
        "plugins/catalog/*",
        "revoke-prefix/*",
        "revoke-force/*",
        "leases",
        "leases/lookup/*",
        "leases/revoke-prefix/*",
        "leases/revoke-force/*",
        "seal",
        "step-down",
    ];

    /// <summary>Whether <paramref name="relative"/> (a path below <c>sys/</c>) is root-protected.</summary>
    public static bool Contains(string relative) => SpecialPathMatch.Any(Patterns, relative);
}
