using Npgsql;

namespace PluginHost.Storage.PostgreSql;

/// <summary>A connection setting given as a libpq URL or an Npgsql keyword string, turned into Npgsql's settings.</summary>
internal static class PostgresConnection
{
    /// <summary>The settings <paramref name="connectionUrl"/> stands for.</summary>
    /// <exception cref="ArgumentException">It is empty or malformed; the message never shows it (it may hold a password).</exception>
    public static NpgsqlConnectionStringBuilder Settings(string connectionUrl)
    {
        if (string.IsNullOrWhiteSpace(connectionUrl))
        {
            throw new ArgumentException("connection_url is empty; give postgres://user:password@host:5432/database or an Npgsql keyword string such as Host=…;Username=…;Password=…;Database=…", nameof(connectionUrl));
        }

        try
        {
            return PostgresUrl.IsUrl(connectionUrl) ? PostgresUrl.Parse(connectionUrl) : new NpgsqlConnectionStringBuilder(connectionUrl);
        }
        catch (PluginHostException invalid)
        {
            throw new ArgumentException(invalid.Message, nameof(connectionUrl), invalid);
        }
        catch (Exception error) when (error is ArgumentException or FormatException)
        {
            // Npgsql's text may quote a value: name the problem only.
            throw new ArgumentException(
                "invalid connection_url: it is neither a postgres:// URL nor an Npgsql keyword string (Host=…;Username=…;Password=…;Database=…)",
                nameof(connectionUrl));
        }
    }
}
