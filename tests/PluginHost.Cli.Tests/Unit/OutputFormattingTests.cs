using System.Text.Json;
using PluginHost.Cli.Output;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Tests.Unit;

[TestClass]
public sealed class OutputFormattingTests
{
    [TestMethod]
    public void Table_PadsColumnsToTheWidestCellWithFourSpacesAndLeavesTheLastUnpadded()
    {
        var table = Table.Render(
            ["Path", "Type", "Accessor", "Description"],
            [
                ["cubbyhole/", "cubbyhole", "cubbyhole_548b4dc5", "per-token private secret storage"],
                ["secret/", "kv", "identity_aa00c06d", "key/value secret storage"],
                ["empty/", "kv", "kv_1", ""],
            ]);

        Assert.AreEqual(
            """
            Path          Type         Accessor              Description
            ----          ----         --------              -----------
            cubbyhole/    cubbyhole    cubbyhole_548b4dc5    per-token private secret storage
            secret/       kv           identity_aa00c06d     key/value secret storage
            empty/        kv           kv_1                  n/a
            """,
            table);
    }

    [TestMethod]
    [DataRow("\"bar\"", "bar")]
    [DataRow("3", "3")]
    [DataRow("1.5", "1.5")]
    [DataRow("true", "true")]
    [DataRow("null", "<nil>")]
    [DataRow("[\"a\",\"b\"]", "[a b]")]
    [DataRow("[]", "[]")]
    [DataRow("{\"x\":1,\"a\":\"b\"}", "map[a:b x:1]")]
    [DataRow("{}", "map[]")]
    [DataRow("[{\"k\":\"v\"},null]", "[map[k:v] <nil>]")]
    public void GoValue_FormatsLikeGosPercentV(string json, string expected)
    {
        Assert.AreEqual(expected, GoValueFormatter.Format(JsonDocument.Parse(json).RootElement));
    }

    [TestMethod]
    [DataRow(0L, "0s")]
    [DataRow(59L, "59s")]
    [DataRow(60L, "1m")]
    [DataRow(90L, "1m30s")]
    [DataRow(3600L, "1h")]
    [DataRow(3601L, "1h1s")]
    [DataRow(3660L, "1h1m")]
    [DataRow(2764800L, "768h")]
    public void HumanDuration_TrimsZeroUnitsLikeVault(long seconds, string expected)
    {
        Assert.AreEqual(expected, HumanDuration.FromSeconds(seconds));
    }

    [TestMethod]
    public void SecretTable_SortsKeysShowsEmptyAsNaAndTtlsAsDurations()
    {
        var (ui, output, _) = NewUi("table");
        var data = Data("""{"ttl":3600,"n":null,"m":{"x":1},"list":["a","b"],"foo":"bar","empty":"","max_ttl":"1h"}""");

        SecretOutput.OutputSecret(ui, new() { RequestId = "r", Data = data });

        Assert.AreEqual(
            """
            Key        Value
            ---        -----
            empty      n/a
            foo        bar
            list       [a b]
            m          map[x:1]
            max_ttl    1h
            n          <nil>
            ttl        1h

            """,
            output.ToString());
    }

    [TestMethod]
    public void SecretTable_ALeaseWithoutIdIsARefreshInterval_AndWarningsGoToStderrFirst()
    {
        var (ui, output, error) = NewUi("table");

        SecretOutput.OutputSecret(ui, new() { RequestId = "r", LeaseDuration = 2764800, Data = Data("""{"foo":"bar"}"""), Warnings = ["Endpoint ignored these unrecognized parameters: [x]"] });

        Assert.AreEqual(
            """
            Key                 Value
            ---                 -----
            refresh_interval    768h
            foo                 bar

            """,
            output.ToString());
        Assert.AreEqual(
            """
            WARNING! The following warnings were returned from Vault:

              * Endpoint ignored these unrecognized parameters: [x]


            """,
            error.ToString());
    }

    [TestMethod]
    public void SecretJson_IsVaultsEnvelopeWithSortedData()
    {
        var (ui, output, _) = NewUi("json");

        SecretOutput.OutputSecret(ui, new() { RequestId = "7d4a", Data = Data("""{"value":"bar","a":{"z":1,"b":[2,1]}}""") });

        Assert.AreEqual(
            """
            {
              "request_id": "7d4a",
              "lease_id": "",
              "lease_duration": 0,
              "renewable": false,
              "data": {
                "a": {
                  "b": [
                    2,
                    1
                  ],
                  "z": 1
                },
                "value": "bar"
              },
              "warnings": null
            }

            """,
            output.ToString());
    }

    [TestMethod]
    public void LoginTable_ShowsVaultsTokenRows()
    {
        var (ui, output, _) = NewUi("table");
        var auth = new SecretAuth
        {
            ClientToken = "hvs.abc",
            Accessor = "acc",
            Policies = ["default", "dev"],
            TokenPolicies = ["default", "dev"],
            Metadata = new Dictionary<string, string> { ["username"] = "alice" },
            LeaseDuration = 3600,
            Renewable = true,
        };

        SecretOutput.OutputSecret(ui, new() { RequestId = "r", Auth = auth });

        Assert.AreEqual(
            """
            Key                    Value
            ---                    -----
            token                  hvs.abc
            token_accessor         acc
            token_duration         1h
            token_renewable        true
            token_policies         ["default" "dev"]
            identity_policies      []
            policies               ["default" "dev"]
            token_meta_username    alice

            """,
            output.ToString());
    }

    [TestMethod]
    public void TokenThatNeverExpires_HasAnInfiniteDuration_AndItsJsonIsVaultsSecretAuth()
    {
        var auth = new SecretAuth { ClientToken = "root", Accessor = "acc", Policies = ["root"], TokenPolicies = ["root"] };
        var (table, tableOutput, _) = NewUi("table");
        var (json, jsonOutput, _) = NewUi("json");

        SecretOutput.OutputSecret(table, new() { RequestId = "r", Auth = auth });
        SecretOutput.OutputSecret(json, new() { RequestId = "r", Auth = auth });

        StringAssert.Contains(tableOutput.ToString(), "token_duration       ∞\n");
        Assert.AreEqual(
            """
            {
              "request_id": "r",
              "lease_id": "",
              "lease_duration": 0,
              "renewable": false,
              "data": null,
              "warnings": null,
              "auth": {
                "client_token": "root",
                "accessor": "acc",
                "policies": [
                  "root"
                ],
                "token_policies": [
                  "root"
                ],
                "identity_policies": null,
                "metadata": null,
                "orphan": false,
                "entity_id": "",
                "lease_duration": 0,
                "renewable": false,
                "mfa_requirement": null
              }
            }

            """,
            jsonOutput.ToString());
    }

    [TestMethod]
    public void RawFieldsOfAToken_AreVaultsTokenFields()
    {
        var (ui, output, _) = NewUi("table");
        var secret = new PluginHost.Cli.Requests.Secret
        {
            RequestId = "r",
            Auth = new SecretAuth { ClientToken = "hvs.abc", Accessor = "acc", Policies = ["default"], TokenPolicies = ["default"], LeaseDuration = 60 },
        };

        foreach (var field in (string[])["token", "token_accessor", "token_duration", "token_renewable", "policies"])
        {
            Assert.AreEqual(0, SecretOutput.PrintRawField(ui, secret, field), field);
            output.Write('|');
        }

        Assert.AreEqual("hvs.abc|acc|60|false|[default]|", output.ToString());
    }

    [TestMethod]
    public void RawField_IsPrintedWithoutNewlineWhenPiped_AndAMissingFieldIsAnError()
    {
        var (ui, output, error) = NewUi("table");
        var secret = new PluginHost.Cli.Requests.Secret { RequestId = "r", Data = Data("""{"value":"bar","list":["a"]}""") };

        Assert.AreEqual(0, SecretOutput.PrintRawField(ui, secret, "value"));
        Assert.AreEqual(0, SecretOutput.PrintRawField(ui, secret, "list"));
        Assert.AreEqual(0, SecretOutput.PrintRawField(ui, secret, "request_id"));
        Assert.AreEqual(1, SecretOutput.PrintRawField(ui, secret, "nope"));

        Assert.AreEqual("bar[a]r", output.ToString());
        Assert.AreEqual("Field \"nope\" not present in secret\n", error.ToString());
    }

    private static Dictionary<string, JsonElement> Data(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    private static (Ui Ui, StringWriter Output, StringWriter Error) NewUi(string format)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new PluginHost.Cli.CliEnvironment
        {
            Out = output,
            Error = error,
            OpenStdin = () => TextReader.Null,
            GetVariable = _ => null,
            CurrentDirectory = "/",
            HomeDirectory = "/",
        };
        return (new Ui(environment, format), output, error);
    }
}
