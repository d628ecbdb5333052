namespace PluginHost.Cli.Configuration;

/// <summary>Vault's <c>storage "postgresql" { … }</c> stanza, as read from the config file.</summary>
internal sealed record PostgresStorageConfig
{
    /// <summary><c>connection_url</c>: a libpq URL or an Npgsql keyword string.</summary>
    public string ConnectionUrl { get; init; } = "";

    /// <summary><c>table</c>, or <see langword="null"/> for Vault's default.</summary>
    public string? Table { get; init; }

    /// <summary><c>ha_enabled</c>.</summary>
    public bool HaEnabled { get; init; }

    /// <summary><c>ha_table</c>, or <see langword="null"/> for Vault's default.</summary>
    public string? HaTable { get; init; }

    /// <summary><c>max_parallel</c>, or <see langword="null"/> for Vault's default.</summary>
    public int? MaxParallel { get; init; }
}
