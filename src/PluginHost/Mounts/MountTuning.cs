namespace PluginHost.Mounts;

/// <summary>Changes to a mount's settings (<c>secrets tune</c>); members left <see langword="null"/> keep their value.</summary>
public sealed record MountTuning
{
    /// <summary>The new description, or <see langword="null"/> to keep it.</summary>
    public string? Description { get; init; }

    /// <summary>The new default lease TTL, or <see langword="null"/> to keep it.</summary>
    public TimeSpan? DefaultLeaseTtl { get; init; }

    /// <summary>The new maximum lease TTL, or <see langword="null"/> to keep it.</summary>
    public TimeSpan? MaxLeaseTtl { get; init; }

    /// <summary>Options to set (merged over the current ones); an empty value removes the option. Changing options restarts the backend.</summary>
    public IReadOnlyDictionary<string, string>? Options { get; init; }

    /// <summary>Vault's other settings to set (merged over the current ones; see <see cref="MountConfig.VaultSettings"/>), or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement>? VaultSettings { get; init; }

    /// <summary>The new pinned plugin version; an empty string unpins. Changing it restarts the backend.</summary>
    public string? PluginVersion { get; init; }

    /// <summary>Returns <paramref name="entry"/> with these changes applied and validated.</summary>
    internal MountEntry ApplyTo(MountEntry entry)
    {
        var options = new Dictionary<string, string>(entry.Config.Options, StringComparer.Ordinal);
        var changes = Options ?? new Dictionary<string, string>();
        if (entry.PluginName == "kv")
        {
            // Vault keeps a kv mount's version when a tune clears it: clearing would silently downgrade the mount.
            changes = changes.Where(o => o.Key != KvMountVersion.Option || o.Value.Length > 0).ToDictionary(StringComparer.Ordinal);
            KvMountVersion.CheckTune(entry.Config.Options, changes);
        }

        foreach (var (key, value) in changes)
        {
            if (value.Length == 0)
            {
                options.Remove(key);
            }
            else
            {
                options[key] = value;
            }
        }

        var config = new MountConfig
        {
            DefaultLeaseTtl = DefaultLeaseTtl ?? entry.Config.DefaultLeaseTtl,
            MaxLeaseTtl = MaxLeaseTtl ?? entry.Config.MaxLeaseTtl,
            Options = options,
            VaultSettings = VaultSettings is null
                ? entry.Config.VaultSettings
                : entry.Config.VaultSettings.Concat(VaultSettings).GroupBy(s => s.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal),
        };
        config.Validate();
        return entry with
        {
            Description = Description ?? entry.Description,
            PluginVersion = PluginVersion is null ? entry.PluginVersion : PluginVersion.Length == 0 ? null : PluginVersion,
            Config = config,
        };
    }
}
