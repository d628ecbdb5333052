using System.Text.Json;

namespace PluginHost.Audit;

/// <summary>The request as an audit entry shows it (Vault's <c>request</c> block). Tokens are raw; devices hash them.</summary>
internal sealed record AuditRequestInfo
{
    /// <summary>The request's id, the same in its request and response entries.</summary>
    public required string Id { get; init; }

    /// <summary>The operation.</summary>
    public required Operation Operation { get; init; }

    /// <summary>The full logical path (<c>secret/foo</c>).</summary>
    public required string Path { get; init; }

    /// <summary>The mount the request was routed to, with its trailing slash; empty for none.</summary>
    public string MountPoint { get; init; } = "";

    /// <summary>The mount's plugin (<c>kv</c>).</summary>
    public string MountType { get; init; } = "";

    /// <summary>The mount's accessor (<c>kv_1a2b3c4d</c>).</summary>
    public string MountAccessor { get; init; } = "";

    /// <summary>Vault's mount class: <c>secret</c> or <c>auth</c>; null when unknown.</summary>
    public string? MountClass { get; init; }

    /// <summary>The version of the plugin serving the mount, when known.</summary>
    public string? MountRunningVersion { get; init; }

    /// <summary>The SHA-256 of the plugin binary serving the mount (empty for a builtin).</summary>
    public string? MountRunningSha256 { get; init; }

    /// <summary>Whether an external plugin process serves the mount.</summary>
    public bool MountIsExternalPlugin { get; init; }

    /// <summary>The raw token the request carried.</summary>
    public string? ClientToken { get; init; }

    /// <summary>The raw accessor of that token.</summary>
    public string? ClientTokenAccessor { get; init; }

    /// <summary>The request body; every string inside is hashed when written.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Data { get; init; }

    /// <summary>The client's address.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The client's port.</summary>
    public int? RemotePort { get; init; }
}
