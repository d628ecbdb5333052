using System.Globalization;

namespace PluginHost.Mounts;

/// <summary>
/// Vault's rules for the <c>version</c> option of <c>kv</c> mounts: <c>kv-v1</c> and <c>kv-v2</c> are <c>kv</c> with
/// version 1 or 2, only 1 and 2 exist, and a mount can be upgraded from 1 to 2 but never downgraded.
/// </summary>
internal static class KvMountVersion
{
    /// <summary>The option's name.</summary>
    public const string Option = Catalog.KvBuiltin.VersionOption;

    /// <summary>
    /// The plugin and options a mount request means: <c>kv-v1</c>/<c>kv-v2</c> become <c>kv</c> with the version set
    /// (unless the options set it), as Vault stores them.
    /// </summary>
    public static (string Plugin, IReadOnlyDictionary<string, string> Options) Resolve(string plugin, IReadOnlyDictionary<string, string> options)
    {
        var version = plugin switch { "kv-v1" => "1", "kv-v2" => "2", _ => null };
        if (version is null)
        {
            if (plugin == "kv")
            {
                Parse(options);
            }

            return (plugin, options);
        }

        var resolved = new Dictionary<string, string>(options, StringComparer.Ordinal);
        resolved.TryAdd(Option, version);
        Parse(resolved);
        return ("kv", resolved);
    }

    /// <summary>
    /// Checks a tune of a kv mount's options and returns Vault's warning when it upgrades the mount, or
    /// <see langword="null"/>.
    /// </summary>
    /// <exception cref="PluginHostException">BadRequest: a version other than 1 or 2, or a downgrade.</exception>
    public static string? CheckTune(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string> tuned)
    {
        var before = Parse(current) ?? 0;
        if (!tuned.TryGetValue(Option, out var text))
        {
            return null;
        }

        var after = Parse(tuned) ?? 0;
        if (after < before)
        {
            throw new PluginHostException(ErrorCode.BadRequest,
                $"cannot downgrade mount from version {before}: a kv version 2 mount keeps versions that version 1 cannot read; move the data to a new version 1 mount instead");
        }

        return after > before && text.Length > 0
            ? $"Upgrading mount from version {before} to version {after}. This mount will be unavailable for a brief period and will resume service shortly."
            : null;
    }

    private static int? Parse(IReadOnlyDictionary<string, string> options)
    {
        if (!options.TryGetValue(Option, out var text) || text.Trim().Length == 0)
        {
            return null;
        }

        return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) && version is 1 or 2
            ? version
            : throw new PluginHostException(ErrorCode.BadRequest, $"invalid version provided: {text}; kv has version 1 (no versions kept) or 2 (versioned)");
    }
}
