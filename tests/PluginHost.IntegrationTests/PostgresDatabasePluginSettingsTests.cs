using System.Text.Json;
using Npgsql;
using PluginHost.Storage.PostgreSql;
using PostgresDatabasePlugin;

namespace PluginHost.IntegrationTests;

/// <summary>
/// The postgresql-database-plugin sample's configuration: libpq URLs and Npgsql keyword strings turned into Npgsql
/// settings with the credentials filled in safely, Vault's pool fields, and errors that never show a password.
/// </summary>
[TestClass]
public sealed class PostgresDatabasePluginSettingsTests
{
    private const string Password = "p@ss:w/rd?#&;Password=x'\" %";

    [TestMethod]
    public void AUrl_MapsEveryPart()
    {
        var settings = PostgresUrl.Parse(
            "postgresql://us%40er:p%3Aw%40@db.example:6543/my%20db?sslmode=verify-full&application_name=vault&connect_timeout=7&target_session_attrs=read-write");

        Assert.AreEqual("db.example", settings.Host);
        Assert.AreEqual(6543, settings.Port);
        Assert.AreEqual("us@er", settings.Username);
        Assert.AreEqual("p:w@", settings.Password);
        Assert.AreEqual("my db", settings.Database);
        Assert.AreEqual(SslMode.VerifyFull, settings.SslMode);
        Assert.AreEqual("vault", settings.ApplicationName);
        Assert.AreEqual(7, settings.Timeout);
        Assert.AreEqual("read-write", settings.TargetSessionAttributes);
    }

    [TestMethod]
    public void AUrl_MayBePostgresSchemed_WithoutPortOrDatabase()
    {
        var settings = PostgresUrl.Parse("postgres://127.0.0.1?sslmode=disable");

        Assert.AreEqual("127.0.0.1", settings.Host);
        Assert.AreEqual(NpgsqlConnection.DefaultPort, settings.Port);
        Assert.IsNull(settings.Database);
        Assert.AreEqual(SslMode.Disable, settings.SslMode);
    }

    [TestMethod]
    public void AUrl_TakesIpv6AndSeveralHosts()
    {
        var single = PostgresUrl.Parse("postgresql://[::1]:5433/postgres");
        Assert.AreEqual("::1", single.Host);
        Assert.AreEqual(5433, single.Port);

        var several = PostgresUrl.Parse("postgresql://a.example:5433,b.example/postgres");
        Assert.AreEqual("a.example:5433,b.example", several.Host);
    }

    [TestMethod]
    public void AnUnknownUrlParameter_IsRefused_ByName()
    {
        var refused = Assert.ThrowsExactly<PluginHostException>(() => PostgresUrl.Parse("postgresql://h/db?sslmod=disable"));

        Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
        StringAssert.StartsWith(refused.Message, "invalid connection_url: unsupported parameter \"sslmod\"");
    }

    [TestMethod]
    public void ABadUrlValue_IsRefused_WithoutTheValue()
    {
        var refused = Assert.ThrowsExactly<PluginHostException>(() => PostgresUrl.Parse("postgresql://h/db?sslmode=s3cret-typo"));
        Assert.AreEqual("invalid connection_url: invalid value for parameter \"sslmode\"", refused.Message);

        var badPort = Assert.ThrowsExactly<PluginHostException>(() => PostgresUrl.Parse("postgresql://h:99999/db"));
        StringAssert.Contains(badPort.Message, "port");

        var noHost = Assert.ThrowsExactly<PluginHostException>(() => PostgresUrl.Parse("postgresql:///db"));
        StringAssert.Contains(noHost.Message, "no host");
    }

    [TestMethod]
    public void TheUrlForm_FillsTheCredentialsPercentEncoded()
    {
        var settings = ConnectionSettings.Parse(Config(
            ("connection_url", "postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres?sslmode=disable"),
            ("username", "vault admin@x"),
            ("password", Password)));

        Assert.AreEqual("vault admin@x", settings.Connection.Username);
        Assert.AreEqual(Password, settings.Connection.Password);
        Assert.AreEqual("127.0.0.1", settings.Connection.Host);
        Assert.AreEqual("postgres", settings.Connection.Database);
    }

    [TestMethod]
    public void TheKeywordForm_FillsTheCredentialsWithoutAddingSettings()
    {
        var settings = ConnectionSettings.Parse(Config(
            ("connection_url", "Host=127.0.0.1;Port=5432;Database=postgres;Username={{username}};Password={{password}}"),
            ("username", "vault;Host=evil"),
            ("password", Password)));

        Assert.AreEqual("vault;Host=evil", settings.Connection.Username);
        Assert.AreEqual(Password, settings.Connection.Password);
        Assert.AreEqual("127.0.0.1", settings.Connection.Host);

        // What the data source is built from reads back the same.
        var reread = new NpgsqlConnectionStringBuilder(settings.Connection.ConnectionString);
        Assert.AreEqual(Password, reread.Password);
        Assert.AreEqual("127.0.0.1", reread.Host);
    }

    [TestMethod]
    public void AnEmptyConnectionUrl_IsRefused()
    {
        foreach (var config in new[] { Config(), Config(("connection_url", " ")) })
        {
            var refused = Assert.ThrowsExactly<PluginHostException>(() => ConnectionSettings.Parse(config));
            Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
            Assert.AreEqual("connection_url cannot be empty", refused.Message);
        }
    }

    [TestMethod]
    public void AnInvalidKeywordString_IsRefused_WithoutThePassword()
    {
        var refused = Assert.ThrowsExactly<PluginHostException>(() => ConnectionSettings.Parse(Config(
            ("connection_url", "Host=h;Colour={{password}}"), ("password", Password))));

        Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
        StringAssert.StartsWith(refused.Message, "invalid connection_url");
        Assert.DoesNotContain(Password, refused.Message);
    }

    [TestMethod]
    public void ThePoolFields_FollowVault()
    {
        const string Url = "postgresql://127.0.0.1/postgres";
        Assert.AreEqual(ConnectionSettings.DefaultMaxOpenConnections, ConnectionSettings.Parse(Config(("connection_url", Url))).Connection.MaxPoolSize);

        var settings = ConnectionSettings.Parse(JsonConfig($$"""{"connection_url":"{{Url}}","max_open_connections":"10","max_idle_connections":2,"max_connection_lifetime":"1m30s"}"""));
        Assert.AreEqual(10, settings.Connection.MaxPoolSize);
        Assert.AreEqual(90, settings.Connection.ConnectionLifetime);

        Assert.AreEqual(30, ConnectionSettings.Parse(JsonConfig($$"""{"connection_url":"{{Url}}","max_connection_lifetime":30}""")).Connection.ConnectionLifetime);
        Assert.AreEqual(1, ConnectionSettings.Parse(JsonConfig($$"""{"connection_url":"{{Url}}","max_connection_lifetime":"500ms"}""")).Connection.ConnectionLifetime);

        foreach (var bad in (string[])["\"max_open_connections\":\"many\"", "\"max_open_connections\":-1", "\"max_connection_lifetime\":\"soon\"", "\"max_connection_lifetime\":\"-5s\""])
        {
            var refused = Assert.ThrowsExactly<PluginHostException>(() => ConnectionSettings.Parse(JsonConfig($$"""{"connection_url":"{{Url}}",{{bad}}}""")), bad);
            Assert.AreEqual(ErrorCode.BadRequest, refused.Code, bad);
        }
    }

    [TestMethod]
    public void GoDurations_Parse()
    {
        foreach (var (text, seconds) in new[] { ("", 0.0), ("0", 0), ("90", 90), ("30s", 30), ("1m30s", 90), ("1.5h", 5400), ("500ms", 0.5), ("2d", 172800), ("1h0m0s", 3600) })
        {
            Assert.IsTrue(GoDuration.TryParse(text, out var duration), text);
            Assert.AreEqual(seconds, duration.TotalSeconds, 1e-9, text);
        }

        foreach (var text in (string[])["soon", "-5s", "5x", "1.2.3s", "s", "1.5"])
        {
            Assert.IsFalse(GoDuration.TryParse(text, out _), text);
        }
    }

    [TestMethod]
    public void TheRedactor_HidesEveryFormOfASecret()
    {
        var message = $"near \"{Password.Replace("'", "''", StringComparison.Ordinal)}\" and {Uri.EscapeDataString(Password)} and {Password}";

        var redacted = SecretRedactor.Redact(message, Password, null, "");

        Assert.AreEqual($"near \"{SecretRedactor.Mask}\" and {SecretRedactor.Mask} and {SecretRedactor.Mask}", redacted);
    }

    private static Dictionary<string, JsonElement> Config(params (string Name, string Value)[] fields) =>
        fields.ToDictionary(field => field.Name, field => JsonSerializer.SerializeToElement(field.Value));

    private static Dictionary<string, JsonElement> JsonConfig(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
}
