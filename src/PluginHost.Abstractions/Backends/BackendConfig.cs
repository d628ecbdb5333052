using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PluginHost;

/// <summary>What a backend gets when it is set up for one mount.</summary>
public sealed record BackendConfig
{
    /// <summary>The mount's private storage view; keys are relative to it and cannot reach other mounts.</summary>
    public required IStorage Storage { get; init; }

    /// <summary>The mount path with its trailing slash (<c>secret/</c>, <c>auth/userpass/</c>).</summary>
    public required string MountPath { get; init; }

    /// <summary>The mount's stable unique id; it survives a remount.</summary>
    public required string BackendUuid { get; init; }

    /// <summary>Whether the backend is mounted as a secrets engine or an auth method.</summary>
    public required BackendType Type { get; init; }

    /// <summary>The mount's options (Vault's <c>-options</c> / <c>config</c> key-value pairs).</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>A logger for the backend, scoped to its mount.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
