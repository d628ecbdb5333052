using System.Text.Json;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Commands;

/// <summary>
/// The kv mount a <c>kv</c> command's path is under and its version, asked of <c>sys/internal/ui/mounts/:path</c> as
/// Vault's CLI asks (a server that does not know the path is taken for version 1); and Vault's way of building the
/// version 2 paths (<c>secret/foo</c> → <c>secret/data/foo</c>).
/// </summary>
internal sealed record KvMount(string MountPath, int Version)
{
    /// <summary>Whether the mount keeps versions (kv version 2).</summary>
    public bool IsVersioned => Version == 2;

    /// <summary>Asks the host which mount serves <paramref name="path"/>, and its kv version.</summary>
    /// <exception cref="ResponseException">The host refused (403: no access below the mount, or nothing mounted).</exception>
    public static async Task<KvMount> ResolveAsync(LogicalClient client, string path, CancellationToken cancellationToken)
    {
        var answer = await client.ReadAsync("sys/internal/ui/mounts/" + path, null, cancellationToken);
        if (answer?.Data is not { } data)
        {
            return new KvMount("", 1);
        }

        var mountPath = data.TryGetValue("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
        var version = data.TryGetValue("options", out var options)
            && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("version", out var v)
            && v.ValueKind == JsonValueKind.String
            && v.GetString() == "2" ? 2 : 1;
        return new KvMount(mountPath, version);
    }

    /// <summary>
    /// Vault's <c>addPrefixToKVPath</c>: <paramref name="path"/> (which includes the mount) with <paramref name="apiPrefix"/>
    /// (<c>data</c>, <c>metadata</c>, …) after the mount: <c>secret/foo</c> → <c>secret/data/foo</c>, <c>secret/</c> → <c>secret/data</c>.
    /// </summary>
    public string WithPrefix(string path, string apiPrefix)
    {
        var mount = MountPath.TrimEnd('/');
        var rest = path == mount || path == MountPath ? ""
            : path.StartsWith(MountPath, StringComparison.Ordinal) ? path[MountPath.Length..]
            : path;
        return Join(mount, apiPrefix, rest);
    }

    /// <summary>Go's <c>path.Join</c> for these paths: the non-empty parts joined by one '/', no trailing '/'.</summary>
    public static string Join(params string[] parts) =>
        string.Join('/', parts.SelectMany(p => p.Split('/')).Where(s => s.Length > 0));
}
