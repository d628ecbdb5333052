using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PluginHost.Tokens;

namespace PluginHost.Http.Responses;

/// <summary>
/// Writes Vault's bodies: the response envelope (every key always present, in Vault's order, empty ones as null),
/// <c>{"errors":[…]}</c>, and 204 with no body. Every answer carries <c>Cache-Control: no-store</c>, as Vault's do.
/// </summary>
internal static class VaultResponseWriter
{
    private const string JsonContentType = "application/json";

    /// <summary>The envelope of <paramref name="answer"/>, with 200 or the status the backend set (<see cref="BackendResponse.StatusCode"/>).</summary>
    /// <param name="response">The response to write.</param>
    /// <param name="requestId">The request's id (<c>request_id</c>).</param>
    /// <param name="answer">What the host answered.</param>
    /// <param name="mountType">The type of the mount that answered (<c>mount_type</c>: <c>kv</c>, <c>system</c>).</param>
    /// <param name="cancellationToken">Stops writing.</param>
    /// <param name="issued">The token a login earned, for the <c>auth</c> block; null for other answers.</param>
    /// <param name="leaseId">The lease the host registered for the answer's secret (<c>lease_id</c>); null for none.</param>
    /// <param name="injectDataAtTop">
    /// Repeat every <c>data</c> key at the top level, as Vault does for <c>sys/mounts</c>, <c>sys/auth</c> and
    /// <c>sys/remount</c> (older clients read the mounts from there).
    /// </param>
    public static async Task WriteEnvelopeAsync(
        HttpResponse response, string requestId, BackendResponse answer, string mountType, bool injectDataAtTop, CancellationToken cancellationToken, IssuedToken? issued = null, string? leaseId = null)
    {
        // A backend's own status (kv v2's 404 carrying a deleted version's metadata) was bounded by the host.
        Prepare(response, answer.StatusCode ?? StatusCodes.Status200OK);
        await using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            writer.WriteStartObject();
            if (injectDataAtTop && answer.Data is { } top)
            {
                foreach (var (key, value) in top)
                {
                    writer.WritePropertyName(key);
                    value.WriteTo(writer);
                }
            }

            writer.WriteString("request_id", requestId);
            writer.WriteString("lease_id", leaseId ?? "");
            writer.WriteBoolean("renewable", answer.Secret?.Renewable ?? false);
            writer.WriteNumber("lease_duration", (long)(answer.Secret?.Ttl ?? TimeSpan.Zero).TotalSeconds);
            WriteData(writer, answer.Data);
            writer.WriteNull("wrap_info");
            WriteWarnings(writer, answer.Warnings);
            WriteAuth(writer, issued);
            writer.WriteString("mount_type", mountType);
            writer.WriteEndObject();
        }

        await response.BodyWriter.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a raw answer: its own status, content type and body (Vault's raw responses, such as <c>sys/metrics</c>).</summary>
    public static async Task WriteRawAsync(HttpResponse response, int statusCode, string contentType, string body, CancellationToken cancellationToken)
    {
        Prepare(response, statusCode);
        response.ContentType = contentType;
        await response.BodyWriter.WriteAsync(System.Text.Encoding.UTF8.GetBytes(body), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="data"/> as the whole body, as Vault answers <c>sys/init</c>, <c>sys/unseal</c> and <c>sys/seal-status</c>.</summary>
    public static async Task WriteBareAsync(HttpResponse response, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken)
    {
        Prepare(response, StatusCodes.Status200OK);
        await using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in data ?? new Dictionary<string, JsonElement>())
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        await response.BodyWriter.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A status with <c>{"errors":[message]}</c>, or Vault's bare <c>{"errors":[]}</c> when there is no message.</summary>
    public static async Task WriteErrorAsync(HttpResponse response, int statusCode, string? message, CancellationToken cancellationToken)
    {
        Prepare(response, statusCode);
        await using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("errors");
            if (message is not null)
            {
                writer.WriteStringValue(message);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await response.BodyWriter.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>204: the request succeeded and there is nothing to answer (a write, a delete, a mount).</summary>
    public static void WriteNoContent(HttpResponse response) => Prepare(response, StatusCodes.Status204NoContent);

    /// <summary>Sets the status and Vault's headers on every answer.</summary>
    public static void Prepare(HttpResponse response, int statusCode)
    {
        response.StatusCode = statusCode;
        response.ContentType = JsonContentType;
        response.Headers.CacheControl = "no-store";
    }

    /// <summary>Vault's answer to a help request: the backend's data itself (<c>help</c>, …), without the envelope.</summary>
    public static Task WriteHelpAsync(HttpResponse response, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken) =>
        WriteBareAsync(response, data, cancellationToken);

    private static void WriteData(Utf8JsonWriter writer, IReadOnlyDictionary<string, JsonElement>? data)
    {
        if (data is null)
        {
            writer.WriteNull("data");
            return;
        }

        writer.WriteStartObject("data");
        foreach (var (key, value) in data)
        {
            writer.WritePropertyName(key);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    // Vault's HTTPAuth: every key present; token_policies only when there are any.
    private static void WriteAuth(Utf8JsonWriter writer, IssuedToken? issued)
    {
        if (issued is null)
        {
            writer.WriteNull("auth");
            return;
        }

        var entry = issued.Entry;
        writer.WriteStartObject("auth");
        writer.WriteString("client_token", issued.ClientToken);
        writer.WriteString("accessor", entry.Accessor);
        WriteStrings(writer, "policies", entry.Policies);
        WriteStrings(writer, "token_policies", entry.Policies);
        writer.WriteStartObject("metadata");
        foreach (var (key, value) in entry.Meta ?? new Dictionary<string, string>())
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteNumber("lease_duration", (long)issued.LeaseDuration.TotalSeconds);
        writer.WriteBoolean("renewable", entry.Renewable);
        writer.WriteString("entity_id", "");
        writer.WriteString("token_type", "service");
        writer.WriteBoolean("orphan", entry.Orphan);
        writer.WriteNull("mfa_requirement");
        writer.WriteNumber("num_uses", 0);
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteWarnings(Utf8JsonWriter writer, IReadOnlyList<string>? warnings)
    {
        if (warnings is not { Count: > 0 })
        {
            writer.WriteNull("warnings");
            return;
        }

        writer.WriteStartArray("warnings");
        foreach (var warning in warnings)
        {
            writer.WriteStringValue(warning);
        }

        writer.WriteEndArray();
    }
}
