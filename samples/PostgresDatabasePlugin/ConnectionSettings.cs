using System.Text.Json;
using Npgsql;
using PluginHost;
using PluginHost.Storage.PostgreSql;

namespace PostgresDatabasePlugin;

/// <summary>
/// A connection's configuration as Vault's <c>postgresql-database-plugin</c> takes it, turned into Npgsql settings:
/// <c>connection_url</c> (a <c>postgresql://</c> URL or an Npgsql keyword string) with <c>{{username}}</c> and
/// <c>{{password}}</c> filled from <c>username</c> and <c>password</c>, and the pool's <c>max_open_connections</c> and
/// <c>max_connection_lifetime</c>. <c>max_idle_connections</c> is checked but has no Npgsql equivalent (Npgsql closes
/// connections idle for 300 s itself); <c>username_template</c> and <c>password_authentication</c> are ignored.
/// </summary>
internal sealed class ConnectionSettings
{
    /// <summary>Vault's default pool size.</summary>
    public const int DefaultMaxOpenConnections = 4;

    private ConnectionSettings(NpgsqlConnectionStringBuilder connection, string?[] secrets)
    {
        Connection = connection;
        Secrets = secrets;
    }

    /// <summary>The Npgsql settings, credentials filled in.</summary>
    public NpgsqlConnectionStringBuilder Connection { get; }

    /// <summary>The passwords the configuration holds, to keep out of error messages.</summary>
    public IReadOnlyList<string?> Secrets { get; }

    /// <summary>Reads <paramref name="config"/>.</summary>
    /// <exception cref="PluginHostException">BadRequest: a field is missing or malformed; the message never holds a password.</exception>
    public static ConnectionSettings Parse(IReadOnlyDictionary<string, JsonElement> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var template = ConfigFields.String(config, "connection_url");
        if (string.IsNullOrWhiteSpace(template))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "connection_url cannot be empty");
        }

        var username = ConfigFields.String(config, "username") ?? "";
        var password = ConfigFields.String(config, "password") ?? "";
        NpgsqlConnectionStringBuilder connection;
        try
        {
            connection = PostgresUrl.IsUrl(template) ? FromUrl(template, username, password) : FromKeywords(template, username, password);
        }
        catch (PluginHostException error)
        {
            throw new PluginHostException(error.Code, SecretRedactor.Redact(error.Message, password), error);
        }

        ApplyPool(connection, config);
        return new ConnectionSettings(connection, [password, connection.Password]);
    }

    /// <summary>A new data source (pool) for these settings; it connects only when used.</summary>
    /// <exception cref="PluginHostException">BadRequest: Npgsql refuses the combination of settings.</exception>
    public NpgsqlDataSource CreateDataSource()
    {
        try
        {
            return new NpgsqlDataSourceBuilder(Connection.ConnectionString).Build();
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new PluginHostException(ErrorCode.BadRequest, SecretRedactor.Redact($"invalid connection_url: {error.Message}", [.. Secrets]), error);
        }
    }

    // The URL form: credentials percent-encoded into the URL, so any character survives the parse.
    private static NpgsqlConnectionStringBuilder FromUrl(string template, string username, string password) =>
        PostgresUrl.Parse(template
            .Replace("{{username}}", Uri.EscapeDataString(username), StringComparison.Ordinal)
            .Replace("{{password}}", Uri.EscapeDataString(password), StringComparison.Ordinal));

    // The keyword form: parsed with the placeholders still in it, then filled into the parsed values, so a ';' or '='
    // in a password cannot add settings; the builder quotes them when it writes the string out.
    private static NpgsqlConnectionStringBuilder FromKeywords(string template, string username, string password)
    {
        NpgsqlConnectionStringBuilder connection;
        try
        {
            connection = new NpgsqlConnectionStringBuilder(template);
        }
        catch (Exception error) when (error is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"invalid connection_url: neither a postgresql:// URL nor a valid Npgsql connection string ({error.Message})");
        }

        connection.Username = Fill(connection.Username, username, password);
        connection.Password = Fill(connection.Password, username, password);
        if (string.IsNullOrEmpty(connection.Host))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "invalid connection_url: it names no Host");
        }

        return connection;
    }

    private static string? Fill(string? value, string username, string password) =>
        value?.Replace("{{username}}", username, StringComparison.Ordinal).Replace("{{password}}", password, StringComparison.Ordinal);

    private static void ApplyPool(NpgsqlConnectionStringBuilder connection, IReadOnlyDictionary<string, JsonElement> config)
    {
        // Vault's rules: 0 means the default; idle connections are capped by open ones.
        var maxOpen = ConfigFields.Integer(config, "max_open_connections", 0);
        var maxIdle = ConfigFields.Integer(config, "max_idle_connections", 0);
        if (maxOpen < 0 || maxIdle < 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "max_open_connections and max_idle_connections cannot be negative");
        }

        connection.MaxPoolSize = maxOpen == 0 ? DefaultMaxOpenConnections : maxOpen;
        if (connection.MinPoolSize > connection.MaxPoolSize)
        {
            connection.MinPoolSize = connection.MaxPoolSize;
        }

        // Npgsql counts whole seconds; 0 is "no limit" in both. A part second still limits.
        var lifetime = ConfigFields.Duration(config, "max_connection_lifetime");
        connection.ConnectionLifetime = (int)Math.Min(int.MaxValue, Math.Ceiling(lifetime.TotalSeconds));
    }
}
