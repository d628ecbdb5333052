using System.Text.Json;

namespace PluginHost.Sdk.Protocol;

/// <summary>How deep JSON nests, counted as a JSON reader counts: an object or array is one level more than its container.</summary>
internal static class JsonDepth
{
    /// <summary>The depth of a request's data: the data object is level 1, a value in it that is an object or array level 2, …</summary>
    public static int Of(IReadOnlyDictionary<string, JsonElement> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var deepest = 0;
        foreach (var value in data.Values)
        {
            deepest = Math.Max(deepest, Of(value));
        }

        return 1 + deepest;
    }

    /// <summary>The depth of one value: 0 for a scalar, 1 for an object or array of scalars, and so on.</summary>
    public static int Of(JsonElement value)
    {
        // Iterative, so a hostile depth cannot exhaust the stack; the elements come from a parsed document of bounded depth anyway.
        var deepest = 0;
        var pending = new Stack<(JsonElement Element, int Depth)>();
        pending.Push((value, 0));
        while (pending.TryPop(out var item))
        {
            switch (item.Element.ValueKind)
            {
                case JsonValueKind.Object:
                    deepest = Math.Max(deepest, item.Depth + 1);
                    foreach (var property in item.Element.EnumerateObject())
                    {
                        pending.Push((property.Value, item.Depth + 1));
                    }

                    break;
                case JsonValueKind.Array:
                    deepest = Math.Max(deepest, item.Depth + 1);
                    foreach (var element in item.Element.EnumerateArray())
                    {
                        pending.Push((element, item.Depth + 1));
                    }

                    break;
            }
        }

        return deepest;
    }
}
