using System.Collections.Frozen;

namespace PluginHost.Mounts;

/// <summary>
/// An immutable snapshot of the mounts, indexed for longest-prefix lookup. Lookups cost one hash probe per path
/// segment, whatever the number of mounts, and allocate nothing. Changes build a new snapshot that is swapped in.
/// </summary>
internal sealed class RouteTable
{
    // Keys are route paths without their trailing '/', so "secret" and "secret/x" both find "secret/" without allocating.
    private readonly FrozenDictionary<string, MountState> _byPath;
    private readonly FrozenDictionary<string, MountState>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private RouteTable(FrozenDictionary<string, MountState> byPath)
    {
        _byPath = byPath;
        _lookup = byPath.GetAlternateLookup<ReadOnlySpan<char>>();
        Mounts = byPath.Values.OrderBy(m => m.Entry.RoutePath, StringComparer.Ordinal).ToArray();
    }

    /// <summary>A table with no mounts.</summary>
    public static RouteTable Empty { get; } = new(FrozenDictionary<string, MountState>.Empty.ToFrozenDictionary(StringComparer.Ordinal));

    /// <summary>Every mount, sorted by route path.</summary>
    public IReadOnlyList<MountState> Mounts { get; }

    /// <summary>Builds a table of <paramref name="mounts"/>.</summary>
    public static RouteTable Create(IEnumerable<MountState> mounts) =>
        new(mounts.ToFrozenDictionary(m => m.Entry.RoutePath[..^1], StringComparer.Ordinal));

    /// <summary>Returns a table with <paramref name="mount"/> added (or replacing the mount at its path).</summary>
    public RouteTable With(MountState mount) =>
        Create(_byPath.Values.Where(m => m.Entry.RoutePath != mount.Entry.RoutePath).Append(mount));

    /// <summary>Returns a table without the mount at <paramref name="routePath"/>.</summary>
    public RouteTable Without(string routePath) =>
        Create(_byPath.Values.Where(m => m.Entry.RoutePath != routePath));

    /// <summary>Finds the mount at exactly <paramref name="routePath"/> (with its trailing slash).</summary>
    public MountState? Find(string routePath) =>
        routePath.Length > 1 && _byPath.TryGetValue(routePath[..^1], out var mount) ? mount : null;

    /// <summary>Finds the mount with the longest route path that is a prefix of <paramref name="path"/> on a segment boundary.</summary>
    /// <param name="path">A logical path without a leading slash, such as <c>secret/a/b</c>; <c>secret</c> matches <c>secret/</c>.</param>
    /// <param name="mount">The mount found.</param>
    /// <returns><see langword="true"/> when a mount matches.</returns>
    public bool TryMatch(ReadOnlySpan<char> path, out MountState mount)
    {
        var candidate = path.EndsWith('/') ? path[..^1] : path;
        while (candidate.Length > 0)
        {
            if (_lookup.TryGetValue(candidate, out mount!))
            {
                return true;
            }

            var slash = candidate.LastIndexOf('/');
            if (slash < 0)
            {
                break;
            }

            candidate = candidate[..slash];
        }

        mount = null!;
        return false;
    }
}
