using System.Text.RegularExpressions;
using PluginHost.Database;
using PluginHost.Sdk;

namespace PluginHost.Tests.Sdk;

[TestClass]
public sealed class DatabaseBaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 17, 0, 0, TimeSpan.Zero);

    /// <summary>Opens DatabaseBase's protected helpers to the tests.</summary>
    private sealed class TestDatabase : DatabaseBase
    {
        public override string TypeName => "testdb";

        public static string Username(string displayName, string roleName, int maxLength = 63) =>
            GenerateUsername(new UsernameMetadata { DisplayName = displayName, RoleName = roleName }, maxLength, Now);

        public static string[] Split(params string[] commands) => [.. SplitStatements(new DatabaseStatements { Commands = commands })];

        public override ValueTask<InitializeResponse> InitializeAsync(InitializeRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new InitializeResponse { Config = request.Config });

        public override ValueTask<NewUserResponse> NewUserAsync(NewUserRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new NewUserResponse { Username = Username(request.UsernameConfig.DisplayName, request.UsernameConfig.RoleName) });

        public override ValueTask UpdateUserAsync(UpdateUserRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public override ValueTask DeleteUserAsync(DeleteUserRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    [TestMethod]
    public void GenerateUsername_HasVaultsDefaultForm()
    {
        var name = TestDatabase.Username("token", "readonly");

        StringAssert.Matches(name, new Regex("^v-token-readonly-[A-Za-z0-9]{20}-1796317200$"));
    }

    [TestMethod]
    public void GenerateUsername_IsRandomEachTime()
    {
        Assert.AreNotEqual(TestDatabase.Username("token", "readonly"), TestDatabase.Username("token", "readonly"));
    }

    [TestMethod]
    public void GenerateUsername_CutsDisplayAndRoleNamesToEightCharacters()
    {
        var name = TestDatabase.Username("userpass-alice", "read-write-all");

        StringAssert.Matches(name, new Regex("^v-userpass-read-wri-[A-Za-z0-9]{20}-1796317200$"));
        Assert.AreEqual(51, name.Length, "v- 8 - 8 - 20 - 10: always within PostgreSQL's 63");
    }

    [TestMethod]
    public void GenerateUsername_ReplacesAnythingButLettersDigitsUnderscoreAndDash()
    {
        var name = TestDatabase.Username("a b\"c;'é", "r.o/$1_-");

        StringAssert.StartsWith(name, "v-a_b_c___-r_o__1_--", StringComparison.Ordinal);
    }

    [TestMethod]
    public void GenerateUsername_WithEmptyHints_KeepsTheDashes()
    {
        StringAssert.Matches(TestDatabase.Username("", ""), new Regex("^v---[A-Za-z0-9]{20}-1796317200$"));
    }

    [TestMethod]
    public void GenerateUsername_IsCutToTheMaximumLength()
    {
        var name = TestDatabase.Username("token", "readonly", maxLength: 30);

        Assert.AreEqual(30, name.Length);
        StringAssert.Matches(name, new Regex("^v-token-readonly-[A-Za-z0-9]{13}$"));
    }

    [TestMethod]
    public void GenerateUsername_RefusesAMaximumBelowOne()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TestDatabase.Username("token", "readonly", maxLength: 0));
    }

    [TestMethod]
    public void SplitStatements_SplitsAtSemicolons_TrimsAndDropsEmptyPieces()
    {
        CollectionAssert.AreEqual(
            new[] { "CREATE ROLE \"{{name}}\"", "GRANT SELECT ON t TO \"{{name}}\"", "ALTER ROLE x" },
            TestDatabase.Split("  CREATE ROLE \"{{name}}\";\n GRANT SELECT ON t TO \"{{name}}\" ;; ;", "", "ALTER ROLE x"));
    }

    [TestMethod]
    public void SplitStatements_OfNoCommands_IsEmpty()
    {
        Assert.AreEqual(0, TestDatabase.Split().Length);
        Assert.AreEqual(0, TestDatabase.Split(" ; ;\n").Length);
    }

    [TestMethod]
    public void SplitStatements_KeepsSemicolonsInsideQuotes()
    {
        CollectionAssert.AreEqual(
            new[] { "CREATE ROLE \"a;b\" WITH PASSWORD 'p;w'", "SELECT 1" },
            TestDatabase.Split("CREATE ROLE \"a;b\" WITH PASSWORD 'p;w'; SELECT 1"));
    }

    [TestMethod]
    public void SplitStatements_KeepsSemicolonsInsideDoubledQuotes()
    {
        CollectionAssert.AreEqual(
            new[] { "COMMENT ON ROLE x IS 'it''s; fine'", "CREATE ROLE \"we\"\"ird;name\"", "SELECT 2" },
            TestDatabase.Split("COMMENT ON ROLE x IS 'it''s; fine'; CREATE ROLE \"we\"\"ird;name\"; SELECT 2"));
    }

    [TestMethod]
    public void SplitStatements_KeepsDollarQuotedBodiesWhole()
    {
        const string Anonymous = "DO $$ BEGIN IF NOT EXISTS (SELECT 1) THEN CREATE ROLE \"{{name}}\"; END IF; END $$";
        const string Tagged = "CREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; SELECT 2; $fn$ LANGUAGE sql";

        CollectionAssert.AreEqual(
            new[] { Anonymous, Tagged, "SELECT 3" },
            TestDatabase.Split($"{Anonymous}; {Tagged};\nSELECT 3;"));
    }

    [TestMethod]
    public void SplitStatements_ATaggedDollarQuoteEndsOnlyAtItsOwnTag()
    {
        const string Nested = "DO $outer$ BEGIN EXECUTE $$ SELECT 1; $$; END $outer$";

        CollectionAssert.AreEqual(new[] { Nested, "SELECT 4" }, TestDatabase.Split($"{Nested}; SELECT 4"));
    }

    [TestMethod]
    public void SplitStatements_PositionalParametersAreNotDollarQuotes()
    {
        CollectionAssert.AreEqual(
            new[] { "SELECT $1", "SELECT $2" },
            TestDatabase.Split("SELECT $1; SELECT $2"));
    }

    [TestMethod]
    public void SplitStatements_AnUnclosedQuoteRunsToTheEndOfItsCommand()
    {
        CollectionAssert.AreEqual(
            new[] { "SELECT 'open; still open", "SELECT 5" },
            TestDatabase.Split("SELECT 'open; still open", "SELECT 5"));
    }

    [TestMethod]
    public async Task TypeAsync_AnswersTheTypeName_AndCloseDoesNothingByDefault()
    {
        var database = new TestDatabase();

        Assert.AreEqual("testdb", await database.TypeAsync(CancellationToken.None));
        await database.CloseAsync(CancellationToken.None);
    }

    [TestMethod]
    public async Task ADatabaseBase_ServesThroughTheHarness()
    {
        await using var harness = await PluginHarness.StartDatabaseAsync(() => new TestDatabase());
        var database = harness.OpenDatabase();
        await database.InitializeAsync(new InitializeRequest(), CancellationToken.None);

        var user = await database.NewUserAsync(
            new NewUserRequest { UsernameConfig = new UsernameMetadata { DisplayName = "token", RoleName = "ro" }, Password = "p", Expiration = Now },
            CancellationToken.None);

        StringAssert.Matches(user.Username, new Regex("^v-token-ro-[A-Za-z0-9]{20}-1796317200$"));
        Assert.AreEqual("testdb", await database.TypeAsync(CancellationToken.None));
    }
}
