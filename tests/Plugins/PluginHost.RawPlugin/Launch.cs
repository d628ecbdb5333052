using System.Globalization;
using System.Text.Json.Nodes;

namespace RawProtocolPlugin;

/// <summary>What the host passes in the environment (protocol.md §1) and the hello that presents it (§3).</summary>
internal sealed record Launch(string SocketPath, string Token, IReadOnlyList<int> HostVersions, string PluginName)
{
    public const string MagicCookieKey = "PLUGINHOST_MAGIC_COOKIE";
    public const string MagicCookieValue = "5d2b0c47-4c3e-4f61-9a52-d1a8f2e6c9b0";

    /// <summary>The protocol versions this plugin speaks.</summary>
    public static IReadOnlyList<int> PluginVersions { get; } = [1];

    /// <summary>Whether the host started this process: the magic cookie has its value.</summary>
    public static bool StartedByHost() => Environment.GetEnvironmentVariable(MagicCookieKey) == MagicCookieValue;

    /// <exception cref="InvalidOperationException">A variable is missing or malformed.</exception>
    public static Launch FromEnvironment() => new(
        Required("PLUGINHOST_SOCKET"),
        Required("PLUGINHOST_TOKEN"),
        [.. Required("PLUGINHOST_PROTOCOL_VERSIONS").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? version
                : throw new InvalidOperationException($"PLUGINHOST_PROTOCOL_VERSIONS holds '{v}', which is not a version number"))],
        Environment.GetEnvironmentVariable("PLUGINHOST_PLUGIN_NAME") ?? "");

    /// <summary>Says <c>plugin.hello</c>, which must be the first message on the connection.</summary>
    /// <returns>The protocol version the host chose.</returns>
    /// <exception cref="RpcError">The host refused the hello.</exception>
    /// <exception cref="InvalidOperationException">No common version, before or after asking.</exception>
    public async Task<int> HelloAsync(RpcPeer host, CancellationToken cancellationToken)
    {
        // Checked before asking, to fail with both lists; the host would refuse the hello anyway.
        if (!HostVersions.Intersect(PluginVersions).Any())
        {
            throw new InvalidOperationException(
                $"no common protocol version: the host speaks {string.Join(", ", HostVersions)}, the plugin speaks {string.Join(", ", PluginVersions)}");
        }

        var answer = await host.CallAsync("plugin.hello", new JsonObject
        {
            ["token"] = Token,
            ["protocol_versions"] = new JsonArray([.. PluginVersions.Select(v => JsonValue.Create(v))]),
            ["plugin_name"] = PluginName,
            ["plugin_version"] = "1.0.0",
            ["sdk"] = "raw System.Text.Json",
        }, cancellationToken);
        var chosen = answer?.GetProperty("protocol_version").GetInt32();
        return chosen is { } version && PluginVersions.Contains(version)
            ? version
            : throw new InvalidOperationException($"the host chose protocol version {chosen}, which this plugin does not speak");
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : throw new InvalidOperationException($"{name} is not set");
}
