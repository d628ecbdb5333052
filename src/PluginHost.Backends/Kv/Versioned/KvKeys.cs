using System.Text.Json;

namespace PluginHost.Backends;

/// <summary>Reads the parts of a kv v2 request every handler needs: the key's path, the versions, the check-and-set value.</summary>
internal static class KvKeys
{
    // The longest storage key below the metadata folder that still fits the storage's key limit.
    private const int MaxPathLength = StorageKey.MaxLength - 64;

    /// <summary>The key's path, checked: not empty, a valid '/'-separated key.</summary>
    /// <exception cref="PluginHostException">BadRequest: <c>missing path</c>, or what is wrong with it.</exception>
    public static string PathOf(string path)
    {
        if (path.Length == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "missing path");
        }

        if (path.Length > MaxPathLength)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"path is {path.Length} characters long; the limit is {MaxPathLength}");
        }

        if (!StorageKey.IsValid(path))
        {
            throw new PluginHostException(ErrorCode.BadRequest,
                $"path '{path}' is not a key: use '/'-separated segments, none empty, '.' or '..', with no '\\' or NUL");
        }

        return path;
    }

    /// <summary>The folder a list names: empty for the top, else the path with one trailing '/'.</summary>
    public static string FolderOf(string path) => path.Trim('/').Length == 0 ? "" : StorageKey.NormalizePrefix(path.TrimStart('/'));

    /// <summary>The version numbers of <c>versions</c> (<c>[1,2]</c> or <c>"1,2"</c>).</summary>
    /// <param name="values">The field's items.</param>
    /// <param name="missing">The text when there are none (Vault spells delete's and destroy's differently).</param>
    /// <exception cref="PluginHostException">BadRequest: none given, or one is not a whole number.</exception>
    public static IReadOnlyList<long> VersionsOf(IReadOnlyList<string> values, string missing)
    {
        if (values.Count == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, missing);
        }

        return values.Select(v => long.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new PluginHostException(ErrorCode.BadRequest, $"versions: '{v}' is not a version number; give whole numbers such as [1,2] or \"1,2\"")).ToArray();
    }

    /// <summary>The <c>options.cas</c> of a write, or <see langword="null"/> when it has none.</summary>
    /// <exception cref="PluginHostException">BadRequest: <c>error parsing check-and-set parameter</c>.</exception>
    public static long? CasOf(IReadOnlyDictionary<string, JsonElement> options)
    {
        if (!options.TryGetValue("cas", out var cas) || cas.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // Vault decodes it weakly: a number, or a string holding one.
        long? parsed = cas.ValueKind switch
        {
            JsonValueKind.Number when cas.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(cas.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };
        return parsed ?? throw new PluginHostException(ErrorCode.BadRequest, "error parsing check-and-set parameter");
    }
}
