using System.Globalization;
using System.Text.Json.Serialization;

namespace PluginHost.Backends;

/// <summary>Everything kv v2 keeps about one key but its data: its versions, their states and the key's settings.</summary>
/// <remarks>Changed only under the key's lock, then written back whole.</remarks>
internal sealed class KvMetadata
{
    /// <summary>The key's path below <c>data/</c>.</summary>
    [JsonPropertyName("key")]
    public required string Key { get; init; }

    /// <summary>The versions still kept, by number.</summary>
    [JsonPropertyName("versions")]
    public SortedDictionary<long, KvVersion> Versions { get; init; } = [];

    /// <summary>The newest version written; 0 before the first write.</summary>
    [JsonPropertyName("current_version")]
    public long CurrentVersion { get; set; }

    /// <summary>The oldest version kept; 0 before the first write.</summary>
    [JsonPropertyName("oldest_version")]
    public long OldestVersion { get; set; }

    /// <summary>The key's own limit of versions; 0 to follow the mount's.</summary>
    [JsonPropertyName("max_versions")]
    public long MaxVersions { get; set; }

    /// <summary>Whether every write to this key must give <c>options.cas</c> (also required when the mount says so).</summary>
    [JsonPropertyName("cas_required")]
    public bool CasRequired { get; set; }

    /// <summary>The key's own delay before a new version is soft-deleted, in seconds; 0 to follow the mount's.</summary>
    [JsonPropertyName("delete_version_after")]
    public long DeleteVersionAfterSeconds { get; set; }

    /// <summary>The caller's own labels for the key.</summary>
    [JsonPropertyName("custom_metadata")]
    public Dictionary<string, string> CustomMetadata { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When the key's metadata was first written.</summary>
    [JsonPropertyName("created_time")]
    public DateTimeOffset CreatedTime { get; init; }

    /// <summary>When the key last changed.</summary>
    [JsonPropertyName("updated_time")]
    public DateTimeOffset UpdatedTime { get; set; }

    /// <summary>
    /// Records a new version written at <paramref name="now"/> and returns it with the versions that fall out of the
    /// limit, whose data the caller deletes.
    /// </summary>
    public (long Number, KvVersion Version, IReadOnlyList<long> Trimmed) AddVersion(DateTimeOffset now, KvConfig config)
    {
        var deleteAfter = DeleteAfter(config);
        var version = new KvVersion
        {
            CreatedTime = now,
            DeletionTime = deleteAfter > 0 ? now.AddSeconds(deleteAfter) : null,
        };
        CurrentVersion++;
        Versions[CurrentVersion] = version;
        UpdatedTime = now;
        return (CurrentVersion, version, Trim(config));
    }

    /// <summary>
    /// The delay before a new (or undeleted) version is soft-deleted, in seconds, 0 for never: the smaller of the
    /// key's and the mount's non-zero settings, none when the mount's is negative (switched off), as Vault does.
    /// </summary>
    public long DeleteAfter(KvConfig config) => config.DeleteVersionAfterSeconds switch
    {
        < 0 => 0,
        0 => DeleteVersionAfterSeconds,
        var mount => DeleteVersionAfterSeconds > 0 ? Math.Min(mount, DeleteVersionAfterSeconds) : mount,
    };

    // Vault's rule, kept exactly: the larger of the key's and the mount's limit (10 when both are 0); oldest_version
    // stays 0 until the limit is first reached, then names the oldest version kept.
    private List<long> Trim(KvConfig config)
    {
        var max = Math.Max(MaxVersions, config.MaxVersions);
        if (max <= 0)
        {
            max = KvConfig.DefaultMaxVersions;
        }

        var trimmed = new List<long>();
        if (CurrentVersion - OldestVersion < max)
        {
            return trimmed;
        }

        var newestToDrop = CurrentVersion - max;
        foreach (var number in Versions.Keys.Where(v => v <= newestToDrop).ToList())
        {
            Versions.Remove(number);
            trimmed.Add(number);
        }

        OldestVersion = newestToDrop + 1;
        return trimmed;
    }

    /// <summary>The metadata as Vault answers <c>metadata/:path</c>.</summary>
    public IEnumerable<KeyValuePair<string, object?>> Describe() =>
    [
        new("cas_required", CasRequired),
        new("created_time", KvTime.Format(CreatedTime)),
        new("current_version", CurrentVersion),
        new("custom_metadata", CustomMetadata.Count == 0 ? null : CustomMetadata),
        new("delete_version_after", KvTime.FormatDuration(DeleteVersionAfterSeconds)),
        new("max_versions", MaxVersions),
        new("oldest_version", OldestVersion),
        new("updated_time", KvTime.Format(UpdatedTime)),
        new("versions", Versions.ToDictionary(
            v => v.Key.ToString(CultureInfo.InvariantCulture),
            v => (object?)v.Value.Describe().ToDictionary(p => p.Key, p => p.Value),
            StringComparer.Ordinal)),
    ];

    /// <summary>A version's state as the data paths answer it: <c>version</c>, its times, and the key's custom metadata.</summary>
    public IEnumerable<KeyValuePair<string, object?>> DescribeVersion(long number, KvVersion version) =>
    [
        .. version.Describe(),
        new("custom_metadata", CustomMetadata.Count == 0 ? null : CustomMetadata),
        new("version", number),
    ];
}
