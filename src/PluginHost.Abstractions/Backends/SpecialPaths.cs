using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>Paths of a backend that need different treatment by the host (Vault's <c>PathsSpecial</c>).</summary>
/// <remarks>Entries are path prefixes relative to the mount; a trailing <c>*</c> matches any suffix.</remarks>
public sealed record SpecialPaths
{
    /// <summary>No special paths.</summary>
    public static SpecialPaths None { get; } = new();

    /// <summary>Paths that can be called without a client token, such as <c>login/*</c>.</summary>
    [JsonPropertyName("unauthenticated")]
    public IReadOnlyList<string> Unauthenticated { get; init; } = [];

    /// <summary>Paths that need a root (privileged) caller.</summary>
    [JsonPropertyName("root")]
    public IReadOnlyList<string> Root { get; init; } = [];
}
