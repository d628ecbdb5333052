using System.Text.Json;

namespace PluginHost.Audit;

/// <summary>
/// Writes one audit entry as Vault's JSON format does (<c>audit/types.go</c>, <c>entry_formatter.go</c>): the same field
/// names, the same order (<c>time</c> first, then Go's struct order), and Vault's <c>omitempty</c>: empty strings,
/// zero numbers, false flags and empty lists or maps are left out.
/// </summary>
internal static class AuditEntryWriter
{
    private static readonly JsonEncodedText TimeName = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText AuthName = JsonEncodedText.Encode("auth");
    private static readonly JsonEncodedText ErrorName = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText RequestName = JsonEncodedText.Encode("request");
    private static readonly JsonEncodedText ResponseName = JsonEncodedText.Encode("response");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText RequestType = JsonEncodedText.Encode("request");
    private static readonly JsonEncodedText ResponseType = JsonEncodedText.Encode("response");

    private static readonly JsonEncodedText AccessorName = JsonEncodedText.Encode("accessor");
    private static readonly JsonEncodedText ClientTokenName = JsonEncodedText.Encode("client_token");
    private static readonly JsonEncodedText DisplayNameName = JsonEncodedText.Encode("display_name");
    private static readonly JsonEncodedText MetadataName = JsonEncodedText.Encode("metadata");
    private static readonly JsonEncodedText PoliciesName = JsonEncodedText.Encode("policies");
    private static readonly JsonEncodedText TokenPoliciesName = JsonEncodedText.Encode("token_policies");
    private static readonly JsonEncodedText TokenIssueTimeName = JsonEncodedText.Encode("token_issue_time");
    private static readonly JsonEncodedText TokenTtlName = JsonEncodedText.Encode("token_ttl");
    private static readonly JsonEncodedText TokenTypeName = JsonEncodedText.Encode("token_type");

    private static readonly JsonEncodedText ClientTokenAccessorName = JsonEncodedText.Encode("client_token_accessor");
    private static readonly JsonEncodedText DataName = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText MountAccessorName = JsonEncodedText.Encode("mount_accessor");
    private static readonly JsonEncodedText MountClassName = JsonEncodedText.Encode("mount_class");
    private static readonly JsonEncodedText MountIsExternalPluginName = JsonEncodedText.Encode("mount_is_external_plugin");
    private static readonly JsonEncodedText MountPointName = JsonEncodedText.Encode("mount_point");
    private static readonly JsonEncodedText MountRunningSha256Name = JsonEncodedText.Encode("mount_running_sha256");
    private static readonly JsonEncodedText MountRunningVersionName = JsonEncodedText.Encode("mount_running_version");
    private static readonly JsonEncodedText MountRunningPluginVersionName = JsonEncodedText.Encode("mount_running_plugin_version");
    private static readonly JsonEncodedText MountTypeName = JsonEncodedText.Encode("mount_type");
    private static readonly JsonEncodedText NamespaceName = JsonEncodedText.Encode("namespace");
    private static readonly JsonEncodedText RootNamespaceId = JsonEncodedText.Encode("root");
    private static readonly JsonEncodedText OperationName = JsonEncodedText.Encode("operation");
    private static readonly JsonEncodedText PathName = JsonEncodedText.Encode("path");
    private static readonly JsonEncodedText RemoteAddressName = JsonEncodedText.Encode("remote_address");
    private static readonly JsonEncodedText RemotePortName = JsonEncodedText.Encode("remote_port");

    private static readonly JsonEncodedText RedirectName = JsonEncodedText.Encode("redirect");
    private static readonly JsonEncodedText SecretName = JsonEncodedText.Encode("secret");
    private static readonly JsonEncodedText WarningsName = JsonEncodedText.Encode("warnings");

    // Vault's logical.Operation names.
    private static readonly JsonEncodedText[] OperationNames =
    [
        default,
        JsonEncodedText.Encode("create"),
        JsonEncodedText.Encode("read"),
        JsonEncodedText.Encode("update"),
        JsonEncodedText.Encode("delete"),
        JsonEncodedText.Encode("list"),
        JsonEncodedText.Encode("help"),
    ];

    // Vault writes logical.TokenTypeDefault for a request without a token (a login).
    private static readonly AuditAuth NoAuth = new() { TokenType = "default" };

    /// <summary>Writes <paramref name="entry"/> as a request entry (<paramref name="response"/> false) or a response entry.</summary>
    /// <param name="writer">The writer, positioned where the entry's object starts.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="response">Whether this is the response entry.</param>
    /// <param name="options">The device's options: what to hash.</param>
    /// <param name="hasher">The device's hasher.</param>
    public static void Write(Utf8JsonWriter writer, AuditEvent entry, bool response, AuditDeviceOptions options, AuditHasher hasher)
    {
        var hash = !options.LogRaw;
        var tokens = new EntryTokenHashes(hasher);
        writer.WriteStartObject();

        Span<byte> time = stackalloc byte[40];
        writer.WriteString(TimeName, time[..AuditValueWriter.FormatTime(entry.Time, time, withFraction: true)]);

        // A login's response entry shows the token it earned, as Vault's handleLoginRequest passes that auth on.
        writer.WritePropertyName(AuthName);
        WriteAuth(writer, (response ? entry.Auth ?? entry.ResponseAuth : entry.Auth) ?? NoAuth, hash, options.HmacAccessor && hash, ref tokens);

        if (!string.IsNullOrEmpty(entry.Error))
        {
            writer.WriteString(ErrorName, entry.Error);
        }

        WriteRequest(writer, entry.Request, hash, options.HmacAccessor && hash, ref tokens);
        if (response)
        {
            WriteResponse(writer, entry, hash, options, ref tokens);
        }

        writer.WriteString(TypeName, response ? ResponseType : RequestType);
        writer.WriteEndObject();
    }

    private static void WriteAuth(Utf8JsonWriter writer, AuditAuth auth, bool hash, bool hashAccessor, ref EntryTokenHashes tokens)
    {
        writer.WriteStartObject();
        if (!string.IsNullOrEmpty(auth.Accessor))
        {
            WriteToken(writer, AccessorName, auth.Accessor, hashAccessor, ref tokens);
        }

        if (!string.IsNullOrEmpty(auth.ClientToken))
        {
            WriteToken(writer, ClientTokenName, auth.ClientToken, hash, ref tokens);
        }

        WriteNonEmpty(writer, DisplayNameName, auth.DisplayName);
        if (auth.Metadata is { Count: > 0 } metadata)
        {
            // Not hashed: Vault hashes only the token and accessor of an auth block.
            writer.WriteStartObject(MetadataName);
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        WriteStrings(writer, PoliciesName, auth.Policies);
        WriteStrings(writer, TokenPoliciesName, auth.TokenPolicies);
        if (auth.TokenIssueTime is { } issued)
        {
            Span<byte> time = stackalloc byte[40];
            writer.WriteString(TokenIssueTimeName, time[..AuditValueWriter.FormatTime(issued, time, withFraction: false)]);
        }

        if (auth.TokenTtlSeconds != 0)
        {
            writer.WriteNumber(TokenTtlName, auth.TokenTtlSeconds);
        }

        WriteNonEmpty(writer, TokenTypeName, auth.TokenType);
        writer.WriteEndObject();
    }

    private static void WriteRequest(Utf8JsonWriter writer, AuditRequestInfo request, bool hash, bool hashAccessor, ref EntryTokenHashes tokens)
    {
        writer.WriteStartObject(RequestName);
        if (!string.IsNullOrEmpty(request.ClientToken))
        {
            WriteToken(writer, ClientTokenName, request.ClientToken, hash, ref tokens);
        }

        if (!string.IsNullOrEmpty(request.ClientTokenAccessor))
        {
            WriteToken(writer, ClientTokenAccessorName, request.ClientTokenAccessor, hashAccessor, ref tokens);
        }

        AuditValueWriter.WriteData(writer, DataName, request.Data, hash, elideList: false, tokens.Hasher);
        WriteNonEmpty(writer, IdName, request.Id);
        WriteMount(writer, request, MountRunningVersionName);

        writer.WriteStartObject(NamespaceName);
        writer.WriteString(IdName, RootNamespaceId);
        writer.WriteEndObject();

        if ((int)request.Operation is > 0 and < 7)
        {
            writer.WriteString(OperationName, OperationNames[(int)request.Operation]);
        }

        WriteNonEmpty(writer, PathName, request.Path);
        WriteNonEmpty(writer, RemoteAddressName, request.RemoteAddress);
        if (request.RemotePort is { } port and not 0)
        {
            writer.WriteNumber(RemotePortName, port);
        }

        writer.WriteEndObject();
    }

    private static void WriteResponse(Utf8JsonWriter writer, AuditEvent entry, bool hash, AuditDeviceOptions options, ref EntryTokenHashes tokens)
    {
        var response = entry.Response;
        writer.WriteStartObject(ResponseName);
        if (entry.ResponseAuth is { } issued)
        {
            writer.WritePropertyName(AuthName);
            WriteAuth(writer, issued, hash, options.HmacAccessor && hash, ref tokens);
        }
        else if (response?.Auth is { } granted)
        {
            writer.WritePropertyName(AuthName);
            WriteAuth(writer, FromAuthInfo(granted), hash, options.HmacAccessor && hash, ref tokens);
        }

        var elide = options.ElideListResponses && entry.Request.Operation == Operation.List;
        AuditValueWriter.WriteData(writer, DataName, response?.Data, hash, elide, tokens.Hasher);

        // The response repeats the mount, with Go's other name for the running version.
        WriteMount(writer, entry.Request, MountRunningPluginVersionName);
        WriteNonEmpty(writer, RedirectName, response?.Redirect);
        if (response?.Secret is not null)
        {
            // Vault writes the lease id here; PluginHost issues none, which Vault's omitempty leaves as an empty object.
            writer.WriteStartObject(SecretName);
            writer.WriteEndObject();
        }

        WriteStrings(writer, WarningsName, response?.Warnings);
        writer.WriteEndObject();
    }

    private static void WriteMount(Utf8JsonWriter writer, AuditRequestInfo request, JsonEncodedText runningVersionName)
    {
        WriteNonEmpty(writer, MountAccessorName, request.MountAccessor);
        WriteNonEmpty(writer, MountClassName, request.MountClass);
        if (request.MountIsExternalPlugin)
        {
            writer.WriteBoolean(MountIsExternalPluginName, true);
        }

        WriteNonEmpty(writer, MountPointName, request.MountPoint);
        WriteNonEmpty(writer, MountRunningSha256Name, request.MountRunningSha256);
        WriteNonEmpty(writer, runningVersionName, request.MountRunningVersion);
        WriteNonEmpty(writer, MountTypeName, request.MountType);
    }

    private static AuditAuth FromAuthInfo(AuthInfo auth) => new()
    {
        DisplayName = auth.DisplayName,
        Policies = auth.Policies,
        Metadata = auth.Metadata,
        TokenTtlSeconds = (long)auth.Ttl.TotalSeconds,
    };

    private static void WriteToken(Utf8JsonWriter writer, JsonEncodedText name, string value, bool hash, ref EntryTokenHashes tokens)
    {
        if (hash)
        {
            writer.WriteString(name, tokens.Hash(value));
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNonEmpty(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<string>? values)
    {
        if (values is null || values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteStringValue(values[i]);
        }

        writer.WriteEndArray();
    }
}
