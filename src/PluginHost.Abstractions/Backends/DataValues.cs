using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace PluginHost;

/// <summary>
/// Turns the plain values backends answer with (strings, numbers, booleans, string lists, nested maps) into the
/// <see cref="JsonElement"/>s of <see cref="BackendResponse.Data"/> without reflection, so trimmed and NativeAOT plugins
/// can use <see cref="BackendResponse.WithData"/>. Other types fall back to reflection where the app allows it.
/// </summary>
internal static class DataValues
{
    private static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = JsonSerializer.IsReflectionEnabledByDefault
            ? JsonTypeInfoResolver.Combine(DataValuesJsonContext.Default, ReflectionResolver())
            : DataValuesJsonContext.Default,
    };

    // Trimmed and AOT apps turn IsReflectionEnabledByDefault off (a feature switch), which removes the only call.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Called only when reflection-based serialization is enabled.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Called only when reflection-based serialization is enabled.")]
    private static DefaultJsonTypeInfoResolver ReflectionResolver() => new();

    /// <summary>The JSON form of <paramref name="value"/>.</summary>
    /// <exception cref="NotSupportedException">The value's type is not a plain value and reflection is disabled (trimmed or AOT app).</exception>
    public static JsonElement ToElement(object? value) => value switch
    {
        // Any list of strings (a List, a ReadOnlyCollection, a collection expression's hidden type) as the one array
        // type the context knows.
        IEnumerable<string> strings and not string[] => JsonSerializer.SerializeToElement(strings.ToArray(), DataValuesJsonContext.Default.StringArray),
        _ => JsonSerializer.SerializeToElement(value, Options.GetTypeInfo(value?.GetType() ?? typeof(object))),
    };
}

[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class DataValuesJsonContext : JsonSerializerContext;
