namespace PluginHost.Tokens;

/// <summary>What a new token is made with; <see cref="TokenStore.CreateAsync"/> stores it as given (the caller checked it).</summary>
public sealed record TokenRequest
{
    /// <summary>Its policies.</summary>
    public required IReadOnlyList<string> Policies { get; init; }

    /// <summary>How long it is valid; <see cref="TimeSpan.Zero"/> for ever.</summary>
    public TimeSpan Ttl { get; init; }

    /// <summary>The longest it may live from creation, renewals included; zero for no cap.</summary>
    public TimeSpan MaxTtl { get; init; }

    /// <summary>A time it may never outlive, whatever its TTLs (its parent's expiry), or null.</summary>
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>The max TTL the creator asked for explicitly (shown by lookups); zero for none.</summary>
    public TimeSpan ExplicitMaxTtl { get; init; }

    /// <summary>Who it is for.</summary>
    public string DisplayName { get; init; } = "";

    /// <summary>The path that created it.</summary>
    public string Path { get; init; } = "";

    /// <summary>Metadata to keep with it.</summary>
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    /// <summary>Whether it may be renewed.</summary>
    public bool Renewable { get; init; } = true;

    /// <summary>The accessor of the token that creates it (revoking that one revokes this), or null for an orphan.</summary>
    public string? ParentAccessor { get; init; }

    /// <summary>The accessor of the auth mount whose login issues it, or null.</summary>
    public string? MountAccessor { get; init; }

    /// <summary>The token itself when the creator chose it (Vault's <c>id</c>, root only), or null for a random <c>hvs.</c> token.</summary>
    public string? Id { get; init; }
}
