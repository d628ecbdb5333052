using System.Text.Json;
using Npgsql;
using PluginHost.Database;
using PluginHost.Sdk;
using PluginHost.Tests.Postgres;
using PostgresDatabasePlugin;

namespace PluginHost.IntegrationTests;

/// <summary>
/// The postgresql-database-plugin sample through the real database protocol (in memory, PluginHarness) against a real
/// PostgreSQL: the users it creates log in with what they were granted and nothing more, expire when asked, are never
/// left half-made, and stop working the moment they are revoked.
/// </summary>
[TestClass]
public sealed class PostgresDatabasePluginTests
{
    private const string CreationStatements = """
        CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';
        GRANT SELECT ON ALL TABLES IN SCHEMA granted TO "{{name}}";
        GRANT USAGE ON SCHEMA granted TO "{{name}}";
        """;

    private static PostgresCluster s_cluster = null!;
    private static PluginHarness s_harness = null!;

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Token => TestContext.CancellationToken;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_cluster = await PostgresCluster.StartAsync(context.CancellationToken);
        s_harness = await PluginHarness.StartDatabaseAsync(() => new PostgresDatabase(), cancellationToken: context.CancellationToken);

        // What the creation statements grant, and a table beside it they do not.
        await AdminAsync(context.CancellationToken, "CREATE SCHEMA granted", "CREATE TABLE granted.open_data (value text)", "INSERT INTO granted.open_data VALUES ('hello')", "CREATE TABLE public.secrets (value text)");
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_harness.DisposeAsync();
        await s_cluster.DisposeAsync();
    }

    [TestMethod]
    public async Task Initialize_VerifiesTheConnection_InTheUrlAndKeywordForms()
    {
        foreach (var url in (string[])[UrlTemplate, KeywordTemplate])
        {
            var database = await OpenAsync(url);
            try
            {
                Assert.AreEqual("postgresql", await database.TypeAsync(Token), url);
            }
            finally
            {
                await database.CloseAsync(Token);
            }
        }
    }

    [TestMethod]
    public async Task Initialize_CredentialsWithEveryAwkwardCharacter_ReachTheServerIntact()
    {
        const string User = "awk\"ward user@x";
        const string Password = "p@ss:w/rd?#&;Password=x'\" %\\$$";
        await AdminAsync(Token, $"CREATE ROLE \"awk\"\"ward user@x\" LOGIN PASSWORD '{Password.Replace("'", "''", StringComparison.Ordinal)}'");

        foreach (var url in (string[])[UrlTemplate, KeywordTemplate])
        {
            var database = await OpenAsync(url, username: User, password: Password);
            await database.CloseAsync(Token);
        }
    }

    [TestMethod]
    public async Task Initialize_WithAWrongPassword_SaysWhy_WithoutThePassword()
    {
        const string Wrong = "wrong-Pa55word-4711";
        foreach (var url in (string[])[UrlTemplate, KeywordTemplate])
        {
            var database = s_harness.OpenDatabase();

            var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
                await database.InitializeAsync(Request(url, password: Wrong, verify: true), Token));

            Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
            Assert.AreEqual($"error verifying connection: 28P01: password authentication failed for user \"{PostgresCluster.Superuser}\"", refused.Message);
            Assert.DoesNotContain(Wrong, refused.Message);
        }
    }

    [TestMethod]
    public async Task Initialize_WithoutVerifying_DoesNotConnect_AndReturnsTheConfigAsGiven()
    {
        var database = s_harness.OpenDatabase();
        var request = Request(UrlTemplate, password: "not-checked", verify: false);

        var response = await database.InitializeAsync(request, Token);

        CollectionAssert.AreEquivalent(request.Config.Keys.ToArray(), response.Config.Keys.ToArray());
        Assert.AreEqual(UrlTemplate, response.Config["connection_url"].GetString());
        await database.CloseAsync(Token);
    }

    [TestMethod]
    public async Task Initialize_WithoutAConnectionUrl_IsRefused()
    {
        var database = s_harness.OpenDatabase();

        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await database.InitializeAsync(new InitializeRequest { Config = new Dictionary<string, JsonElement>(), VerifyConnection = true }, Token));

        Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
        Assert.AreEqual("connection_url cannot be empty", refused.Message);
    }

    [TestMethod]
    public async Task NewUser_LogsIn_ReadsWhatItWasGranted_AndIsRefusedTheRest()
    {
        await using var database = await OpenedAsync();
        var password = NewPassword();

        var created = await database.Value.NewUserAsync(NewUser(password, "app"), Token);

        StringAssert.StartsWith(created.Username, "v-token-app-");
        Assert.IsLessThanOrEqualTo(PostgresDatabase.MaxUsernameLength, created.Username.Length);
        await using var user = await LoginAsync(created.Username, password);
        Assert.AreEqual(1, await ScalarAsync(user, "SELECT 1"));
        Assert.AreEqual("hello", await ScalarAsync(user, "SELECT value FROM granted.open_data"));
        var denied = await Assert.ThrowsExactlyAsync<PostgresException>(async () => await ScalarAsync(user, "SELECT * FROM public.secrets"));
        Assert.AreEqual(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [TestMethod]
    public async Task NewUser_IsValidUntilTheExpiration()
    {
        await using var database = await OpenedAsync();
        var expiration = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.FromHours(3));

        var created = await database.Value.NewUserAsync(NewUser(NewPassword(), "expiry") with { Expiration = expiration }, Token);

        Assert.AreEqual(expiration.UtcDateTime, await ValidUntilAsync(created.Username));
    }

    [TestMethod]
    public async Task NewUser_WhoseStatementFailsMidway_LeavesNoRole_AndRunsTheRollbackStatements()
    {
        await using var database = await OpenedAsync();
        await AdminAsync(Token, "CREATE TABLE public.rollback_log (name text)");
        var password = NewPassword();
        var request = NewUser(password, "rollback") with
        {
            Statements = new DatabaseStatements
            {
                Commands = [CreationStatements, """GRANT SELECT ON public.no_such_table TO "{{name}}";"""],
            },
            RollbackStatements = new DatabaseStatements
            {
                // No DROP ROLE here: the transaction alone must leave nothing behind.
                Commands = ["""INSERT INTO public.rollback_log VALUES ('{{name}}');"""],
            },
        };

        var failed = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.Value.NewUserAsync(request, Token));

        StringAssert.StartsWith(failed.Message, "creation statement 4 of 4 failed: 42P01: relation \"public.no_such_table\" does not exist");
        Assert.DoesNotContain(password, failed.Message);
        Assert.AreEqual(0L, await AdminScalarAsync("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'v-token-rollback-%'"));
        var logged = (string?)await AdminScalarAsync("SELECT string_agg(name, ',') FROM public.rollback_log");
        StringAssert.StartsWith(logged, "v-token-rollback-", "the rollback statements ran, with the user's name");
    }

    [TestMethod]
    public async Task NewUser_WhoseValueCannotBePlacedSafely_IsRefused_AndLeavesNoRole()
    {
        await using var database = await OpenedAsync();
        var request = NewUser(NewPassword(), "unsafe") with
        {
            Statements = new DatabaseStatements { Commands = ["""CREATE ROLE "{{name}}"; COMMENT ON ROLE "{{name}}" IS U&'{{password}}';"""] },
        };

        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.Value.NewUserAsync(request, Token));

        Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
        Assert.AreEqual("creation statement 2 of 2: the value of {{password}} cannot be placed inside a U&'…' string", refused.Message);
        Assert.AreEqual(0L, await AdminScalarAsync("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'v-token-unsafe-%'"));
    }

    [TestMethod]
    public async Task NewUser_WithoutCreationStatements_IsRefused()
    {
        await using var database = await OpenedAsync();

        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await database.Value.NewUserAsync(NewUser(NewPassword(), "none") with { Statements = DatabaseStatements.None }, Token));

        Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
        Assert.AreEqual("empty creation statements", refused.Message);
    }

    [TestMethod]
    public async Task NewUser_WithQuotesInTheDisplayName_MakesAProperlyQuotedRole()
    {
        await using var database = await OpenedAsync();
        var password = NewPassword();
        var request = NewUser(password, "q\"uo'te") with { UsernameConfig = new UsernameMetadata { DisplayName = "o'\"; DROP", RoleName = "q\"uo'te" } };

        var created = await database.Value.NewUserAsync(request, Token);

        StringAssert.StartsWith(created.Username, "v-o____DRO-q_uo_te-");
        Assert.AreEqual(1L, await AdminScalarAsync("SELECT count(*) FROM pg_roles WHERE rolname = $1", created.Username));
        await using var user = await LoginAsync(created.Username, password);
        Assert.AreEqual(1, await ScalarAsync(user, "SELECT 1"));
    }

    [TestMethod]
    public async Task NewUser_PasswordWithQuotesAndBackslashes_AndUnquotedOrDollarQuotedPlaceholders_Work()
    {
        await using var database = await OpenedAsync();
        const string Password = "pa'ss\"wo\\rd$x;--";
        foreach (var statement in (string[])[
            "CREATE ROLE {{name}} WITH LOGIN PASSWORD {{password}} VALID UNTIL {{expiration}}",
            """DO $body$ BEGIN CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}'; END $body$""",
            """CREATE ROLE "{{name}}" WITH LOGIN PASSWORD E'{{password}}'"""])
        {
            var created = await database.Value.NewUserAsync(
                NewUser(Password, "awkward") with { Statements = new DatabaseStatements { Commands = [statement] } }, Token);

            await using var user = await LoginAsync(created.Username, Password);
            Assert.AreEqual(1, await ScalarAsync(user, "SELECT 1"), statement);
        }
    }

    [TestMethod]
    public async Task UpdateUser_Expiration_MovesValidUntil()
    {
        await using var database = await OpenedAsync();
        var created = await database.Value.NewUserAsync(NewUser(NewPassword(), "renew"), Token);
        var later = new DateTimeOffset(2040, 1, 2, 3, 4, 5, TimeSpan.Zero);

        await database.Value.UpdateUserAsync(new UpdateUserRequest { Username = created.Username, Expiration = new ExpirationChange { NewExpiration = later } }, Token);

        Assert.AreEqual(later.UtcDateTime, await ValidUntilAsync(created.Username));
    }

    [TestMethod]
    public async Task UpdateUser_Password_RefusesTheOld_AndTakesTheNew()
    {
        await using var database = await OpenedAsync();
        var old = NewPassword();
        var created = await database.Value.NewUserAsync(NewUser(old, "rotate"), Token);
        var rotated = NewPassword() + "'\"\\";

        await database.Value.UpdateUserAsync(new UpdateUserRequest { Username = created.Username, Password = new PasswordChange { NewPassword = rotated } }, Token);

        var refused = await Assert.ThrowsExactlyAsync<PostgresException>(async () => await LoginAsync(created.Username, old));
        Assert.AreEqual(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        await using var user = await LoginAsync(created.Username, rotated);
        Assert.AreEqual(1, await ScalarAsync(user, "SELECT 1"));
    }

    [TestMethod]
    public async Task UpdateUser_WithStatements_RunsThemInsteadOfTheDefault()
    {
        await using var database = await OpenedAsync();
        var created = await database.Value.NewUserAsync(NewUser(NewPassword(), "custom"), Token);
        var rotated = NewPassword();
        var statements = new DatabaseStatements { Commands = ["""ALTER ROLE "{{username}}" WITH PASSWORD '{{password}}' CONNECTION LIMIT 3"""] };

        await database.Value.UpdateUserAsync(
            new UpdateUserRequest { Username = created.Username, Password = new PasswordChange { NewPassword = rotated, Statements = statements } }, Token);

        Assert.AreEqual(3, await AdminScalarAsync("SELECT rolconnlimit FROM pg_roles WHERE rolname = $1", created.Username));
        await using var user = await LoginAsync(created.Username, rotated);
        Assert.AreEqual(1, await ScalarAsync(user, "SELECT 1"));
    }

    [TestMethod]
    public async Task UpdateUser_OfAMissingUser_IsRefused()
    {
        await using var database = await OpenedAsync();

        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.Value.UpdateUserAsync(
            new UpdateUserRequest { Username = "v-nobody", Expiration = new ExpirationChange { NewExpiration = DateTimeOffset.UtcNow.AddHours(1) } }, Token));

        Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
        Assert.AreEqual("cannot update user \"v-nobody\": the user does not exist", refused.Message);
    }

    [TestMethod]
    public async Task DeleteUser_DropsTheRole_AndEndsItsOpenSession()
    {
        await using var database = await OpenedAsync();
        var password = NewPassword();
        var created = await database.Value.NewUserAsync(NewUser(password, "revoke"), Token);
        await using var session = await LoginAsync(created.Username, password);
        Assert.AreEqual(1, await ScalarAsync(session, "SELECT 1"));

        await database.Value.DeleteUserAsync(new DeleteUserRequest { Username = created.Username }, Token);

        Assert.AreEqual(0L, await AdminScalarAsync("SELECT count(*) FROM pg_roles WHERE rolname = $1", created.Username));
        await Assert.ThrowsAsync<NpgsqlException>(async () => await ScalarAsync(session, "SELECT 1"));
        await Assert.ThrowsAsync<NpgsqlException>(async () => await LoginAsync(created.Username, password));
    }

    [TestMethod]
    public async Task DeleteUser_OfARoleOwningObjects_ReassignsThemAndDrops()
    {
        await using var database = await OpenedAsync();
        var created = await database.Value.NewUserAsync(
            NewUser(NewPassword(), "owner") with { Statements = new DatabaseStatements { Commands = [CreationStatements, """CREATE TABLE public."t_{{name}}" (x int); ALTER TABLE public."t_{{name}}" OWNER TO "{{name}}";"""] } },
            Token);

        await database.Value.DeleteUserAsync(new DeleteUserRequest { Username = created.Username }, Token);

        Assert.AreEqual(0L, await AdminScalarAsync("SELECT count(*) FROM pg_roles WHERE rolname = $1", created.Username));
        Assert.AreEqual(PostgresCluster.Superuser, await AdminScalarAsync("SELECT tableowner::text FROM pg_tables WHERE tablename = $1", $"t_{created.Username}"));
    }

    [TestMethod]
    public async Task DeleteUser_WithRevocationStatements_RunsThem()
    {
        await using var database = await OpenedAsync();
        var created = await database.Value.NewUserAsync(NewUser(NewPassword(), "custrev"), Token);
        var statements = new DatabaseStatements { Commands = ["""REVOKE ALL ON ALL TABLES IN SCHEMA granted FROM "{{name}}"; REVOKE USAGE ON SCHEMA granted FROM "{{name}}"; DROP ROLE "{{name}}";"""] };

        await database.Value.DeleteUserAsync(new DeleteUserRequest { Username = created.Username, Statements = statements }, Token);

        Assert.AreEqual(0L, await AdminScalarAsync("SELECT count(*) FROM pg_roles WHERE rolname = $1", created.Username));
    }

    [TestMethod]
    public async Task DeleteUser_OfAMissingUser_Succeeds()
    {
        await using var database = await OpenedAsync();

        await database.Value.DeleteUserAsync(new DeleteUserRequest { Username = "v-never-created" }, Token);
        await database.Value.DeleteUserAsync(new DeleteUserRequest { Username = "v-never-created", Statements = new DatabaseStatements { Commands = ["DROP ROLE \"{{name}}\""] } }, Token);
    }

    [TestMethod]
    public async Task UpdateAndDelete_QuoteANameWithQuotesInIt()
    {
        await using var database = await OpenedAsync();
        const string Name = "we\"ird'name";
        await AdminAsync(Token, "CREATE ROLE \"we\"\"ird'name\" LOGIN PASSWORD 'first'");
        var rotated = NewPassword();

        await database.Value.UpdateUserAsync(new UpdateUserRequest { Username = Name, Password = new PasswordChange { NewPassword = rotated } }, Token);
        await using (var user = await LoginAsync(Name, rotated))
        {
            Assert.AreEqual(1, await ScalarAsync(user, "SELECT 1"));
        }

        await database.Value.DeleteUserAsync(new DeleteUserRequest { Username = Name }, Token);
        Assert.AreEqual(0L, await AdminScalarAsync("SELECT count(*) FROM pg_roles WHERE rolname = $1", Name));
    }

    [TestMethod]
    public async Task ManyConnections_AreServedAtOnce_EachWithItsOwnPool()
    {
        await AdminAsync(Token, "CREATE DATABASE second_db");
        await using var first = await OpenedAsync();
        await using var second = await OpenedAsync(UrlTemplate.Replace("/postgres?", "/second_db?", StringComparison.Ordinal));
        var password = NewPassword();
        var simple = new DatabaseStatements { Commands = ["""CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}'"""] };

        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? first : second).Value.NewUserAsync(NewUser(password, "many") with { Statements = simple }, Token).AsTask()));

        Assert.AreEqual(8, created.Select(user => user.Username).Distinct().Count());
        Assert.AreEqual(8L, await AdminScalarAsync("SELECT count(*) FROM pg_roles WHERE rolname = ANY($1)", (object)created.Select(user => user.Username).ToArray()));
    }

    [TestMethod]
    public async Task AClosedConnection_RefusesCalls()
    {
        var database = await OpenAsync(UrlTemplate);
        await database.CloseAsync(Token);

        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.NewUserAsync(NewUser(NewPassword(), "closed"), Token));

        Assert.AreEqual(ErrorCode.NotFound, refused.Code, "the instance is gone from the plugin");
    }

    private static string UrlTemplate => $"postgresql://{{{{username}}}}:{{{{password}}}}@127.0.0.1:{s_cluster.Port}/postgres?sslmode=disable";

    private static string KeywordTemplate => $"Host=127.0.0.1;Port={s_cluster.Port};Database=postgres;Username={{{{username}}}};Password={{{{password}}}};SSL Mode=Disable";

    private static InitializeRequest Request(string url, string? username = null, string? password = null, bool verify = true) => new()
    {
        Config = new Dictionary<string, JsonElement>
        {
            ["connection_url"] = JsonSerializer.SerializeToElement(url),
            ["username"] = JsonSerializer.SerializeToElement(username ?? PostgresCluster.Superuser),
            ["password"] = JsonSerializer.SerializeToElement(password ?? s_cluster.Password),
            ["max_open_connections"] = JsonSerializer.SerializeToElement(2),
        },
        VerifyConnection = verify,
    };

    private async Task<IDatabase> OpenAsync(string url, string? username = null, string? password = null)
    {
        var database = s_harness.OpenDatabase();
        await database.InitializeAsync(Request(url, username, password), Token);
        return database;
    }

    private async Task<Opened> OpenedAsync(string? url = null) => new(await OpenAsync(url ?? UrlTemplate));

    private static NewUserRequest NewUser(string password, string role) => new()
    {
        UsernameConfig = new UsernameMetadata { DisplayName = "token", RoleName = role },
        Password = password,
        Expiration = DateTimeOffset.UtcNow.AddHours(1),
        Statements = new DatabaseStatements { Commands = [CreationStatements] },
    };

    private static string NewPassword() => "A1a-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

    private Task<NpgsqlConnection> LoginAsync(string user, string password) => s_cluster.LoginAsync(user, password, Token);

    private Task<object?> ScalarAsync(NpgsqlConnection connection, string sql) => connection.ScalarAsync(sql, Token);

    private Task<object?> AdminScalarAsync(string sql, params object[] parameters) => s_cluster.AdminScalarAsync(sql, Token, parameters);

    private async Task<DateTime> ValidUntilAsync(string user) =>
        (DateTime)(await AdminScalarAsync("SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1", user))!;

    private static Task AdminAsync(CancellationToken cancellationToken, params string[] statements) => s_cluster.AdminExecuteAsync(cancellationToken, statements);

    /// <summary>An initialized connection in the plugin, closed at the end of the test.</summary>
    private sealed class Opened(IDatabase value) : IAsyncDisposable
    {
        public IDatabase Value { get; } = value;

        public ValueTask DisposeAsync() => Value.CloseAsync(CancellationToken.None);
    }
}
