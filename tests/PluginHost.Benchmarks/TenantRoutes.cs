using PluginHost.Mounts;

namespace PluginHost.Benchmarks;

/// <summary>The route table both route-lookup measurements use: N kv mounts at <c>tenant-i/kv/</c>.</summary>
internal static class TenantRoutes
{
    /// <summary>Builds the table; its mounts never start a backend.</summary>
    /// <param name="mounts">How many mounts.</param>
    /// <returns>The table.</returns>
    public static RouteTable Create(int mounts) =>
        RouteTable.Create(Enumerable.Range(0, mounts).Select(i => new MountState(
            new MountEntry
            {
                Table = BackendType.Secret,
                Path = $"tenant-{i}/kv/",
                PluginName = "kv",
                Uuid = Guid.NewGuid().ToString(),
                Accessor = $"kv_{i:x8}",
            },
            (_, _) => throw new InvalidOperationException("routing benchmarks never start backends"),
            TimeProvider.System)));

    /// <summary>A request path that hits the middle mount of a table of <paramref name="mounts"/>.</summary>
    /// <param name="mounts">How many mounts the table has.</param>
    /// <returns>The path.</returns>
    public static string Hit(int mounts) => $"tenant-{mounts / 2}/kv/app/db-password";
}
