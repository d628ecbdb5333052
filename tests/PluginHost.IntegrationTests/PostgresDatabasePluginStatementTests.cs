using PostgresDatabasePlugin;

namespace PluginHost.IntegrationTests;

/// <summary>
/// The postgresql-database-plugin sample's statement renderer: each placeholder is quoted for where PostgreSQL's lexer
/// reads it, so no name or password can end its quotes, and what cannot be placed safely is refused.
/// </summary>
[TestClass]
public sealed class PostgresDatabasePluginStatementTests
{
    private static readonly StatementValues Values = new()
    {
        Name = "v-token-app-ABC-1700000000",
        Password = "s3cret-Pa55",
        Expiration = new DateTimeOffset(2030, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)),
    };

    [TestMethod]
    public void VaultsCreationStatements_GetTheirValues()
    {
        var rendered = Render("""CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'""");

        Assert.AreEqual("""CREATE ROLE "v-token-app-ABC-1700000000" WITH LOGIN PASSWORD 's3cret-Pa55' VALID UNTIL '2030-01-02 03:04:05+00'""", rendered);
    }

    [TestMethod]
    public void Username_IsAnotherNameForName()
    {
        Assert.AreEqual("""GRANT SELECT ON t TO "v-token-app-ABC-1700000000" """, Render("""GRANT SELECT ON t TO "{{username}}" """));
    }

    [TestMethod]
    public void InsideQuotes_TheQuoteCharacterIsDoubled()
    {
        var values = Values with { Name = "we\"ird'name", Password = "it's \"quoted\"" };

        Assert.AreEqual("""ALTER ROLE "we""ird'name" PASSWORD 'it''s "quoted"'""", Render("""ALTER ROLE "{{name}}" PASSWORD '{{password}}'""", values));
        Assert.AreEqual("""SELECT 'we"ird''name', "it's ""quoted"" " """, Render("""SELECT '{{name}}', "{{password}} " """, values));
    }

    [TestMethod]
    public void OutsideQuotes_AValueBecomesAWholeQuotedToken()
    {
        var values = Values with { Name = "a\"b", Password = "p'w" };

        Assert.AreEqual("""CREATE ROLE "a""b" PASSWORD 'p''w'""", Render("CREATE ROLE {{name}} PASSWORD {{password}}", values));
        Assert.AreEqual("""x "a""b" """, Render("x{{name}} ", values), "not one identifier with what precedes it");
        Assert.AreEqual("SELECT E 'p''w'", Render("SELECT E{{password}}", values), "not an escape string");
        Assert.AreEqual("SELECT 'p''w' 'x'", Render("SELECT {{password}}'x'", values), "not one literal with the next");
        Assert.AreEqual("""SELECT U& "a""b" """, Render("SELECT U&{{name}} ", values), "not a Unicode identifier");
    }

    [TestMethod]
    public void OutsideQuotes_ABackslashMakesAnEscapeString()
    {
        Assert.AreEqual(@"SELECT E'a\\b''c'", Render("SELECT {{password}}", Values with { Password = @"a\b'c" }));
    }

    [TestMethod]
    public void InsideAnEscapeString_BackslashesAreDoubledToo()
    {
        Assert.AreEqual(@"SELECT E'x\\'';DROP TABLE t;--'", Render("SELECT E'x{{password}}'", Values with { Password = @"\';DROP TABLE t;--" }));
    }

    [TestMethod]
    public void AContinuedEscapeString_StaysAnEscapeString()
    {
        var rendered = Render("SELECT E'a'\n  -- more\n'{{password}}'", Values with { Password = @"\'" });

        Assert.AreEqual("SELECT E'a'\n  -- more\n'\\\\'''", rendered);
    }

    [TestMethod]
    public void ABackslashInAPlainLiteral_IsRefused_WhenStandardConformingStringsIsOff()
    {
        var values = Values with { Password = @"x\'; DROP TABLE t; --" };

        Assert.AreEqual(@"SELECT 'x\''; DROP TABLE t; --'", StatementRenderer.Render("SELECT '{{password}}'", values, standardConformingStrings: true));
        var refused = Assert.ThrowsExactly<PluginHostException>(() => StatementRenderer.Render("SELECT '{{password}}'", values, standardConformingStrings: false));
        Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
        StringAssert.Contains(refused.Message, "standard_conforming_strings");
        Assert.DoesNotContain("DROP", refused.Message);
    }

    [TestMethod]
    public void WithStandardConformingStringsOff_ABackslashEscapesTheTemplatesQuote()
    {
        // Off: '\'' is one literal holding a quote, so the placeholder after it is still inside it.
        Assert.AreEqual(@"SELECT '\'v-token-app-ABC-1700000000'", StatementRenderer.Render(@"SELECT '\'{{name}}'", Values, standardConformingStrings: false));

        // On: '\' ends at the second quote; the placeholder stands outside.
        Assert.AreEqual(@"SELECT '\'""v-token-app-ABC-1700000000"" '", StatementRenderer.Render(@"SELECT '\'{{name}}'", Values, standardConformingStrings: true));
    }

    [TestMethod]
    public void Comments_AreLeftAlone()
    {
        const string Statement = "SELECT 1 -- {{password}}\n/* {{password}} /* nested */ '{{password}} */";

        Assert.AreEqual(Statement, Render(Statement));
    }

    [TestMethod]
    public void ADollarQuotedBody_IsRenderedAsCode()
    {
        var rendered = Render("""DO $$BEGIN CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}'; END$$""");

        Assert.AreEqual("""DO $$BEGIN CREATE ROLE "v-token-app-ABC-1700000000" LOGIN PASSWORD 's3cret-Pa55'; END$$""", rendered);
    }

    [TestMethod]
    public void AValueThatWouldEndItsDollarQuote_IsRefused()
    {
        var values = Values with { Password = "x$$; DROP TABLE t; --" };

        var refused = Assert.ThrowsExactly<PluginHostException>(() => Render("DO $$BEGIN EXECUTE 'ALTER ROLE x PASSWORD ''{{password}}'''; END$$", values));
        Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
        Assert.DoesNotContain("DROP", refused.Message);

        // Another tag is not ended by it.
        Assert.AreEqual("DO $body$BEGIN PERFORM 'x$$; DROP TABLE t; --'; END$body$", Render("DO $body$BEGIN PERFORM '{{password}}'; END$body$", values));
    }

    [TestMethod]
    public void ADollarInsideAnIdentifier_DoesNotOpenAQuote()
    {
        Assert.AreEqual("SELECT a$$b, 'p'", Render("SELECT a$$b, {{password}}", Values with { Password = "p" }));
    }

    [TestMethod]
    public void UnicodeAndBitStrings_RefusePlaceholders()
    {
        Assert.ThrowsExactly<PluginHostException>(() => Render("SELECT U&'{{password}}'"));
        Assert.ThrowsExactly<PluginHostException>(() => Render("""SELECT U&"{{name}}" """));
        Assert.ThrowsExactly<PluginHostException>(() => Render("SELECT B'{{password}}'"));
        Assert.ThrowsExactly<PluginHostException>(() => Render("SELECT X'{{password}}'"));
        Assert.AreEqual("SELECT e'x', N's3cret-Pa55'", Render("SELECT e'x', N'{{password}}'"));
    }

    [TestMethod]
    public void ANulCharacter_IsRefusedEverywhere()
    {
        var values = Values with { Password = "a\0b" };

        foreach (var statement in (string[])["SELECT '{{password}}'", "SELECT {{password}}", "SELECT \"{{password}}\"", "SELECT E'{{password}}'"])
        {
            var refused = Assert.ThrowsExactly<PluginHostException>(() => Render(statement, values), statement);
            StringAssert.Contains(refused.Message, "NUL");
        }
    }

    [TestMethod]
    public void UnknownOrAbsentPlaceholders_AreLeftAsWritten()
    {
        var values = new StatementValues { Name = "n" };

        Assert.AreEqual("SELECT '{{password}}', {{expiration}}, {{other}}, \"n\"", Render("SELECT '{{password}}', {{expiration}}, {{other}}, {{name}}", values));
    }

    [TestMethod]
    public void TheExpiration_IsUtcToTheSecond()
    {
        var values = Values with { Expiration = new DateTimeOffset(2031, 12, 31, 23, 59, 59, 999, TimeSpan.FromHours(-5)) };

        Assert.AreEqual("'2032-01-01 04:59:59+00'", Render("{{expiration}}", values));
    }

    private static string Render(string statement, StatementValues? values = null) =>
        StatementRenderer.Render(statement, values ?? Values, standardConformingStrings: true);
}
