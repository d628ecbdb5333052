using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>Stable error codes. The numeric value is the HTTP status Vault would answer with; it never changes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ErrorCode>))]
public enum ErrorCode
{
    /// <summary>The request is malformed or breaks a rule (HTTP 400).</summary>
    [JsonStringEnumMemberName("bad_request")]
    BadRequest = 400,

    /// <summary>The caller may not do this (HTTP 403).</summary>
    [JsonStringEnumMemberName("forbidden")]
    Forbidden = 403,

    /// <summary>Nothing is mounted or registered at that path or name (HTTP 404).</summary>
    [JsonStringEnumMemberName("not_found")]
    NotFound = 404,

    /// <summary>The path exists but does not support the operation (HTTP 405).</summary>
    [JsonStringEnumMemberName("unsupported")]
    Unsupported = 405,

    /// <summary>An unexpected failure inside the host or a backend (HTTP 500).</summary>
    [JsonStringEnumMemberName("internal")]
    Internal = 500,

    /// <summary>The backend cannot serve now: its plugin is missing, failed to start, or its mount is changing (HTTP 503).</summary>
    [JsonStringEnumMemberName("unavailable")]
    Unavailable = 503,

    /// <summary>The backend did not answer in time (HTTP 504).</summary>
    [JsonStringEnumMemberName("timeout")]
    Timeout = 504,
}
