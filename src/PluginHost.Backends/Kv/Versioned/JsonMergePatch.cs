using System.Text.Json;
using System.Text.Json.Nodes;

namespace PluginHost.Backends;

/// <summary>RFC 7396 JSON merge patch, as kv v2's <c>PATCH</c> applies it: objects merge, <c>null</c> removes, anything else replaces.</summary>
internal static class JsonMergePatch
{
    /// <summary>Returns <paramref name="target"/> with <paramref name="patch"/> merged in; neither input is changed.</summary>
    public static Dictionary<string, JsonElement> Apply(IReadOnlyDictionary<string, JsonElement> target, IReadOnlyDictionary<string, JsonElement> patch)
    {
        var merged = new JsonObject();
        foreach (var (key, value) in target)
        {
            merged[key] = JsonNode.Parse(value.GetRawText());
        }

        foreach (var (key, value) in patch)
        {
            Merge(merged, key, JsonNode.Parse(value.GetRawText()));
        }

        return merged.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value, BackendsJsonContext.Default.JsonNode), StringComparer.Ordinal);
    }

    private static void Merge(JsonObject target, string key, JsonNode? patch)
    {
        if (patch is null)
        {
            target.Remove(key);
            return;
        }

        if (patch is not JsonObject patchObject)
        {
            target[key] = patch;
            return;
        }

        if (target[key] is not JsonObject existing)
        {
            existing = new JsonObject();
            target[key] = existing;
        }

        foreach (var (childKey, childValue) in patchObject.ToList())
        {
            patchObject.Remove(childKey);
            Merge(existing, childKey, childValue);
        }
    }
}
