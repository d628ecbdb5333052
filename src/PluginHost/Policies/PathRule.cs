using System.Text.Json;

namespace PluginHost.Policies;

/// <summary>
/// One <c>path "…" { … }</c> block of a policy, as parsed. A policy may hold several blocks for the same pattern;
/// <see cref="Acl.Create"/> merges them the way Vault does.
/// </summary>
public sealed record PathRule
{
    // Rules come from Policy.Parse only, so a rule is always valid.
    internal PathRule()
    {
    }

    /// <summary>
    /// The pattern as written, with its trailing <c>*</c> (a prefix glob) if any and any <c>+</c> segments (each
    /// matching exactly one segment). A leading <c>/</c> is kept here and ignored when matching, as in Vault.
    /// </summary>
    public string Pattern { get; internal init; } = "";

    /// <summary>What the block grants; a block that denies holds <see cref="Capabilities.Deny"/> alone.</summary>
    public Capabilities Capabilities { get; internal init; }

    /// <summary>
    /// <c>allowed_parameters</c>: the only request fields allowed (keys in lower case; <c>"*"</c> allows any field),
    /// each with the values it may take (strings may begin or end with a <c>*</c> glob; an empty list allows any
    /// value). <see langword="null"/> when the block has none.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>? AllowedParameters { get; internal init; }

    /// <summary>
    /// <c>denied_parameters</c>: request fields refused (keys in lower case; <c>"*"</c> refuses every field) with the
    /// values refused (an empty list refuses any value). <see langword="null"/> when the block has none.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>? DeniedParameters { get; internal init; }

    /// <summary><c>required_parameters</c>: request fields that must be present, as written. <see langword="null"/> when none.</summary>
    public IReadOnlyList<string>? RequiredParameters { get; internal init; }

    /// <summary>
    /// <c>min_wrapping_ttl</c>. As in Vault, a rule with a wrapping TTL only allows requests whose response is wrapped;
    /// PluginHost has no response wrapping, so such a rule allows no request (its capabilities are still reported).
    /// </summary>
    public TimeSpan? MinWrappingTtl { get; internal init; }

    /// <summary><c>max_wrapping_ttl</c>; see <see cref="MinWrappingTtl"/> for its effect.</summary>
    public TimeSpan? MaxWrappingTtl { get; internal init; }
}
