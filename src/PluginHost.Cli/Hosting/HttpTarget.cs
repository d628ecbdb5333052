using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Hosting;

/// <summary>
/// Client mode: each logical request goes to a PluginHost (or Vault) server over Vault's HTTP API, as Vault's CLI
/// sends it: read as GET with the data in the query string, list as LIST, write as PUT with a JSON body, patch as
/// PATCH with a JSON merge patch, delete as DELETE. Answers become the same <see cref="BackendResponse"/>s the embedded host gives, so every command prints
/// the same; refusals carry the server's status and messages, shown with the URL as Vault's CLI shows them.
/// </summary>
internal sealed class HttpTarget : IRequestTarget
{
    // Vault's raw handlers: the server answers these with the bare object, not in its envelope.
    private static readonly string[] BareAnswers = ["sys/init", "sys/unseal", "sys/seal-status", "sys/leader"];

    private readonly HttpClient _http;
    private readonly Uri _api;
    private readonly string? _token;

    /// <param name="address">The server, such as <c>http://127.0.0.1:8200</c>.</param>
    /// <param name="token">Sent as <c>X-Vault-Token</c> when set.</param>
    /// <param name="handler">The HTTP handler (with the TLS settings); tests give an in-memory server's.</param>
    /// <param name="ownsHandler">Whether disposing the target disposes <paramref name="handler"/>.</param>
    public HttpTarget(Uri address, string? token, HttpMessageHandler? handler = null, bool ownsHandler = false)
    {
        _api = new Uri(address, address.AbsolutePath.TrimEnd('/') + "/v1/");
        _token = token;
        _http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null || ownsHandler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public bool IsRemote => true;

    public async Task<TargetResponse?> SendAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        using var message = ToHttp(request);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, cancellationToken);
        }
        catch (HttpRequestException error)
        {
            // Vault prints the Go error: Put "http://127.0.0.1:8200/v1/secret/foo": dial tcp …: connection refused.
            // A TLS failure's reason (an untrusted certificate) is in the inner exception: say it.
            var reason = error.InnerException is System.Security.Authentication.AuthenticationException tls ? $"{error.Message} {tls.Message}" : error.Message;
            throw new TargetUnavailableException($"{Capitalized(message.Method.Method)} \"{message.RequestUri}\": {reason}", error);
        }
        catch (TaskCanceledException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TargetUnavailableException($"{Capitalized(message.Method.Method)} \"{message.RequestUri}\": no answer within {_http.Timeout.TotalSeconds:0} s", error);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return null;
            }

            // Vault's client keeps a 404 read's body when it carries data or warnings (a kv v2 version deleted: its metadata).
            if (response.StatusCode == HttpStatusCode.NotFound && request.Operation is Operation.Read or Operation.List && CarriesData(body))
            {
                return FromEnvelope(body, message.RequestUri!);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new ResponseException(message.Method.Method, message.RequestUri!, (int)response.StatusCode, ErrorsOf(body));
            }

            // Vault answers help, and the seal's own paths, with the data alone, not in its envelope.
            return request.Operation == Operation.Help || BareAnswers.Contains(request.Path.Trim('/'), StringComparer.Ordinal)
                ? FromData(body, message.RequestUri!)
                : FromEnvelope(body, message.RequestUri!);
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private HttpRequestMessage ToHttp(BackendRequest request)
    {
        var path = string.Join('/', request.Path.TrimStart('/').Split('/').Select(Uri.EscapeDataString));
        var (method, query, body) = request.Operation switch
        {
            Operation.Read => (HttpMethod.Get, QueryOf(request.Data), null),
            Operation.List => (new HttpMethod("LIST"), "", null),
            Operation.Help => (HttpMethod.Get, "?help=1", null),
            Operation.Delete => (HttpMethod.Delete, QueryOf(request.Data), null),
            Operation.Patch => (HttpMethod.Patch, "", JsonBodyOf(request.Data)),
            _ => (HttpMethod.Put, "", JsonBodyOf(request.Data)),
        };
        var message = new HttpRequestMessage(method, new Uri(_api, path + query));
        var token = string.IsNullOrEmpty(request.ClientToken) ? _token : request.ClientToken;
        if (!string.IsNullOrEmpty(token))
        {
            message.Headers.Add("X-Vault-Token", token);
        }

        if (body is not null)
        {
            // A patch is a JSON merge patch, the only kind Vault takes.
            var type = request.Operation == Operation.Patch ? "application/merge-patch+json" : "application/json";
            message.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(type));
        }

        return message;
    }

    private static bool CarriesData(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && ((root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
                    || (root.TryGetProperty("warnings", out var warnings) && warnings.ValueKind == JsonValueKind.Array && warnings.GetArrayLength() > 0));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string QueryOf(IReadOnlyDictionary<string, JsonElement>? data)
    {
        if (data is not { Count: > 0 })
        {
            return "";
        }

        var pairs = data.SelectMany(field => field.Value.ValueKind == JsonValueKind.Array
            ? field.Value.EnumerateArray().Select(item => (field.Key, Text(item)))
            : [(field.Key, Text(field.Value))]);
        return "?" + string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Item2)}"));
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static string JsonBodyOf(IReadOnlyDictionary<string, JsonElement>? data)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in data ?? new Dictionary<string, JsonElement>())
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static TargetResponse FromData(string body, Uri url)
    {
        try
        {
            var data = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(body);
            return new TargetResponse(new BackendResponse { Data = data });
        }
        catch (JsonException error)
        {
            throw new TargetUnavailableException($"the answer of {url} is not a JSON object: {error.Message}", error);
        }
    }

    // Vault's envelope back into what a backend answered: data, warnings, the secret's lease and TTL, and the token in "auth".
    private static TargetResponse FromEnvelope(string body, Uri url)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw new TargetUnavailableException($"{url} did not answer with JSON: {error.Message}", error);
        }

        var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object
            ? d.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)
            : null;
        var warnings = root.TryGetProperty("warnings", out var w) && w.ValueKind == JsonValueKind.Array
            ? w.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
            : null;
        var ttl = root.TryGetProperty("lease_duration", out var lease) && lease.ValueKind == JsonValueKind.Number ? lease.GetInt64() : 0;
        var renewable = root.TryGetProperty("renewable", out var r) && r.ValueKind == JsonValueKind.True;
        var response = new BackendResponse
        {
            Data = data,
            Warnings = warnings,
            Secret = ttl > 0 || renewable ? new SecretInfo { Ttl = TimeSpan.FromSeconds(ttl), Renewable = renewable } : null,
        };
        var leaseId = StringOf(root, "lease_id");
        return new TargetResponse(
            response,
            root.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.Object ? AuthOf(auth) : null,
            leaseId.Length > 0 ? leaseId : null);
    }

    // Vault's api.SecretAuth, from the envelope's "auth" object.
    private static SecretAuth AuthOf(JsonElement auth) => new()
    {
        ClientToken = StringOf(auth, "client_token"),
        Accessor = StringOf(auth, "accessor"),
        Policies = StringsOf(auth, "policies"),
        TokenPolicies = StringsOf(auth, "token_policies"),
        IdentityPolicies = StringsOf(auth, "identity_policies"),
        Metadata = auth.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            ? metadata.EnumerateObject().ToDictionary(p => p.Name, p => Text(p.Value), StringComparer.Ordinal)
            : new Dictionary<string, string>(),
        Orphan = auth.TryGetProperty("orphan", out var orphan) && orphan.ValueKind == JsonValueKind.True,
        EntityId = StringOf(auth, "entity_id"),
        LeaseDuration = auth.TryGetProperty("lease_duration", out var lease) && lease.ValueKind == JsonValueKind.Number && lease.TryGetInt64(out var seconds) ? seconds : 0,
        Renewable = auth.TryGetProperty("renewable", out var renewable) && renewable.ValueKind == JsonValueKind.True,
    };

    private static string StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string[] StringsOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(Text).ToArray()
            : [];

    private static string[] ErrorsOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                return errors.EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
            }
        }
        catch (JsonException)
        {
            // Not Vault's error body (a proxy's page, say): show it as it came.
        }

        return body.Length == 0 ? [] : [body.Trim()];
    }

    private static string Capitalized(string method) => method[..1] + method[1..].ToLowerInvariant();
}
