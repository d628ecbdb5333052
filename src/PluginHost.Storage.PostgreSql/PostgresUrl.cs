using System.Globalization;
using Npgsql;

namespace PluginHost.Storage.PostgreSql;

/// <summary>
/// libpq's connection URI, <c>postgresql://[user[:password]@][host[:port][,…]][/dbname][?param=value&amp;…]</c> (or
/// <c>postgres://</c>), turned into Npgsql's settings. Parts are percent-decoded; the query parameters are libpq's
/// names (<c>sslmode</c>, <c>connect_timeout</c>, <c>application_name</c>, …). An unknown parameter is refused rather
/// than ignored: a misspelt <c>sslmode</c> must not silently connect without TLS. Errors name the part, never its value.
/// </summary>
internal static class PostgresUrl
{
    private static readonly Dictionary<string, Action<NpgsqlConnectionStringBuilder, string>> Parameters = new(StringComparer.Ordinal)
    {
        ["host"] = (builder, value) => builder.Host = value,
        ["port"] = (builder, value) => builder.Port = Port(value),
        ["dbname"] = (builder, value) => builder.Database = value,
        ["user"] = (builder, value) => builder.Username = value,
        ["password"] = (builder, value) => builder.Password = value,
        ["passfile"] = (builder, value) => builder.Passfile = value,
        ["connect_timeout"] = (builder, value) => builder.Timeout = Number(value),
        ["application_name"] = (builder, value) => builder.ApplicationName = value,
        ["fallback_application_name"] = (builder, value) => builder.ApplicationName ??= value,
        ["client_encoding"] = (builder, value) => builder.ClientEncoding = value,
        ["options"] = (builder, value) => builder.Options = value,
        ["search_path"] = (builder, value) => builder.SearchPath = value,
        ["timezone"] = (builder, value) => builder.Timezone = value,
        ["sslmode"] = (builder, value) => builder.SslMode = value switch
        {
            "disable" => SslMode.Disable,
            "allow" => SslMode.Allow,
            "prefer" => SslMode.Prefer,
            "require" => SslMode.Require,
            "verify-ca" => SslMode.VerifyCA,
            "verify-full" => SslMode.VerifyFull,
            _ => throw new FormatException(),
        },
        ["sslnegotiation"] = (builder, value) => builder.SslNegotiation = value switch
        {
            "postgres" => SslNegotiation.Postgres,
            "direct" => SslNegotiation.Direct,
            _ => throw new FormatException(),
        },
        ["sslcert"] = (builder, value) => builder.SslCertificate = value,
        ["sslkey"] = (builder, value) => builder.SslKey = value,
        ["sslpassword"] = (builder, value) => builder.SslPassword = value,
        ["sslrootcert"] = (builder, value) => builder.RootCertificate = value,
        ["gssencmode"] = (builder, value) => builder.GssEncryptionMode = value switch
        {
            "disable" => GssEncryptionMode.Disable,
            "prefer" => GssEncryptionMode.Prefer,
            "require" => GssEncryptionMode.Require,
            _ => throw new FormatException(),
        },
        ["krbsrvname"] = (builder, value) => builder.KerberosServiceName = value,
        ["channel_binding"] = (builder, value) => builder.ChannelBinding = value switch
        {
            "disable" => ChannelBinding.Disable,
            "prefer" => ChannelBinding.Prefer,
            "require" => ChannelBinding.Require,
            _ => throw new FormatException(),
        },
        ["require_auth"] = (builder, value) => builder.RequireAuth = value,
        ["target_session_attrs"] = (builder, value) => builder.TargetSessionAttributes = value switch
        {
            "any" or "read-write" or "read-only" or "primary" or "standby" or "prefer-standby" => value,
            _ => throw new FormatException(),
        },
        ["load_balance_hosts"] = (builder, value) => builder.LoadBalanceHosts = value switch
        {
            "disable" => false,
            "random" => true,
            _ => throw new FormatException(),
        },
        ["keepalives"] = (builder, value) => builder.TcpKeepAlive = value switch
        {
            "0" => false,
            "1" => true,
            _ => throw new FormatException(),
        },
        ["keepalives_idle"] = (builder, value) => builder.TcpKeepAliveTime = Number(value),
        ["keepalives_interval"] = (builder, value) => builder.TcpKeepAliveInterval = Number(value),
    };

    /// <summary>Whether <paramref name="connectionUrl"/> is a URL (<c>postgresql://</c> or <c>postgres://</c>) rather than a keyword string.</summary>
    public static bool IsUrl(string connectionUrl) =>
        connectionUrl.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
        connectionUrl.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Npgsql settings <paramref name="url"/> stands for.</summary>
    /// <exception cref="PluginHostException">BadRequest: the URL is malformed or has a parameter Npgsql cannot honour.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string url)
    {
        if (!IsUrl(url))
        {
            throw Invalid("it must start with postgresql:// or postgres://");
        }

        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var builder = new NpgsqlConnectionStringBuilder();

        // As Go's net/url (which Vault's driver uses): the authority ends at the first '/' or '?', and the user
        // information at its last '@', so an unencoded '@' in a password still works.
        var authorityEnd = rest.IndexOfAny(['/', '?']);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        rest = authorityEnd < 0 ? "" : rest[authorityEnd..];
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Decode(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Decode(userInfo[(colon + 1)..]);
            }

            authority = authority[(at + 1)..];
        }

        SetHosts(builder, authority);

        var query = rest.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? rest : rest[..query];
        if (path.Length > 1)
        {
            builder.Database = Decode(path[1..]);
        }

        if (query >= 0)
        {
            SetParameters(builder, rest[(query + 1)..]);
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw Invalid("it names no host");
        }

        return builder;
    }

    private static void SetHosts(NpgsqlConnectionStringBuilder builder, string hostSpec)
    {
        if (hostSpec.Length == 0)
        {
            return;
        }

        var hosts = hostSpec.Split(',').Select(Host).ToList();
        if (hosts.Count == 1)
        {
            builder.Host = hosts[0].Name;
            if (hosts[0].Port is { } port)
            {
                builder.Port = port;
            }

            return;
        }

        // Npgsql's multi-host form: each host with its own port.
        builder.Host = string.Join(',', hosts.Select(host =>
        {
            var name = host.Name.Contains(':', StringComparison.Ordinal) ? $"[{host.Name}]" : host.Name;
            return host.Port is { } port ? string.Create(CultureInfo.InvariantCulture, $"{name}:{port}") : name;
        }));
    }

    private static (string Name, int? Port) Host(string spec)
    {
        string name;
        string? port = null;
        if (spec.StartsWith('['))
        {
            var close = spec.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 < spec.Length && spec[close + 1] != ':')
            {
                throw Invalid("an IPv6 host must be written [address] or [address]:port");
            }

            name = spec[1..close];
            port = close + 1 < spec.Length ? spec[(close + 2)..] : null;
        }
        else
        {
            var colon = spec.IndexOf(':', StringComparison.Ordinal);
            name = colon < 0 ? spec : spec[..colon];
            port = colon < 0 ? null : spec[(colon + 1)..];
        }

        if (name.Length == 0)
        {
            throw Invalid("a host is empty");
        }

        return (Decode(name), string.IsNullOrEmpty(port) ? null : Port(port));
    }

    private static void SetParameters(NpgsqlConnectionStringBuilder builder, string query)
    {
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            if (!Parameters.TryGetValue(name, out var set))
            {
                throw Invalid($"unsupported parameter \"{name}\" (supported: {string.Join(", ", Parameters.Keys)})");
            }

            if (equals < 0)
            {
                throw Invalid($"parameter \"{name}\" has no value");
            }

            try
            {
                set(builder, Decode(pair[(equals + 1)..]));
            }
            catch (Exception error) when (error is FormatException or ArgumentException or OverflowException)
            {
                // Not the value: it may be a password.
                throw Invalid($"invalid value for parameter \"{name}\"");
            }
        }
    }

    private static int Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw Invalid("a port must be a number from 1 to 65535");

    private static int Number(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string Decode(string text) => Uri.UnescapeDataString(text);

    private static PluginHostException Invalid(string why) => new(ErrorCode.BadRequest, $"invalid connection_url: {why}");
}
