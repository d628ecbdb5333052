using System.Text.Json;

namespace PluginHost.Http.Responses;

/// <summary>
/// A system path's raw answer, in the data keys Vault uses for one (<c>http_status_code</c>,
/// <c>http_content_type</c>, <c>http_raw_body</c>): written as it is instead of in the envelope.
/// </summary>
internal sealed record RawAnswer(int Status, string ContentType, string Body)
{
    /// <summary>The raw answer <paramref name="response"/> carries, or <see langword="null"/> when it is an ordinary one.</summary>
    public static RawAnswer? Of(BackendResponse response) =>
        response.Data is { } data
        && data.TryGetValue("http_raw_body", out var body) && body.ValueKind == JsonValueKind.String
        && data.TryGetValue("http_content_type", out var type) && type.ValueKind == JsonValueKind.String
            ? new RawAnswer(
                data.TryGetValue("http_status_code", out var status) && status.TryGetInt32(out var code) ? code : 200,
                type.GetString()!,
                body.GetString()!)
            : null;
}
