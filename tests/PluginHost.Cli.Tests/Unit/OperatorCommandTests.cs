namespace PluginHost.Cli.Tests.Unit;

/// <summary>
/// <c>status</c> and <c>operator init/unseal/seal/key-status/rotate</c> against a fake server: what they send, Vault's
/// output in both formats and exit codes, the hidden prompt, and the refusal of embedded mode.
/// </summary>
[TestClass]
public sealed class OperatorCommandTests
{
    private const string SealedStatus = """
        {"type":"shamir","initialized":true,"sealed":true,"t":3,"n":5,"progress":2,"nonce":"a-nonce","version":"1.2.3","build_date":"","migration":false,"recovery_seal":false,"storage_type":"file"}
        """;

    private const string UnsealedStatus = """
        {"type":"shamir","initialized":true,"sealed":false,"t":3,"n":5,"progress":0,"nonce":"","version":"1.2.3","build_date":"","migration":false,"recovery_seal":false,"storage_type":"file"}
        """;

    private const string SealedTable = """
        Key                Value
        ---                -----
        Seal Type          shamir
        Initialized        true
        Sealed             true
        Total Shares       5
        Threshold          3
        Unseal Progress    2/3
        Unseal Nonce       a-nonce
        Version            1.2.3
        Build Date         n/a
        Storage Type       file
        HA Enabled         false

        """;

    private const string KeyStatus = """{"term":3,"install_time":"2026-12-03T13:07:17.1234500Z","encryptions":42}""";

    [TestMethod]
    public void Status_PrintsVaultsTable_AndExits2WhileSealed()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/seal-status", SealedStatus);

        InProcess.Run(target, "status").Is(2, SealedTable);
    }

    [TestMethod]
    public void Status_OfASealedServerSharingHaStorage_SaysHaIsOn_AndNothingMore()
    {
        // A sealed HA node cannot say who is active: Vault's CLI takes "Vault is sealed" from sys/leader as HA on.
        var target = new FakeTarget()
            .OnJson(Operation.Read, "sys/seal-status", SealedStatus)
            .Fail(Operation.Read, "sys/leader", ErrorCode.Unavailable, "Vault is sealed");

        InProcess.Run(target, "status").Is(2, SealedTable.Replace("HA Enabled         false", "HA Enabled         true", StringComparison.Ordinal));
        StringAssert.EndsWith(InProcess.Run(target, "status", "-format=json").Stdout, "\"ha_enabled\": true,\n  \"active_time\": \"0001-01-01T00:00:00Z\"\n}\n");
    }

    [TestMethod]
    public void Status_WhenTheLeaderCannotBeRead_Fails()
    {
        var target = new FakeTarget()
            .OnJson(Operation.Read, "sys/seal-status", UnsealedStatus)
            .Fail(Operation.Read, "sys/leader", ErrorCode.Forbidden, "permission denied");

        var result = InProcess.Run(target, "status");

        Assert.AreEqual(1, result.ExitCode);
        StringAssert.StartsWith(result.Stderr, "Error checking leader status: ");
        StringAssert.Contains(result.Stderr, "permission denied");
    }

    [TestMethod]
    public void Status_Unsealed_LeavesOutTheProgress_AndExits0()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/seal-status", UnsealedStatus);

        InProcess.Run(target, "status").Is(0, """
            Key             Value
            ---             -----
            Seal Type       shamir
            Initialized     true
            Sealed          false
            Total Shares    5
            Threshold       3
            Version         1.2.3
            Build Date      n/a
            Storage Type    file
            HA Enabled      false

            """);
    }

    [TestMethod]
    public void Status_AsJson_IsVaultsSealStatusOutput()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/seal-status", SealedStatus);

        InProcess.Run(target, "status", "-format=json").Is(2, """
            {
              "type": "shamir",
              "initialized": true,
              "sealed": true,
              "t": 3,
              "n": 5,
              "progress": 2,
              "nonce": "a-nonce",
              "version": "1.2.3",
              "build_date": "",
              "migration": false,
              "recovery_seal": false,
              "storage_type": "file",
              "ha_enabled": false
            }

            """);
    }

    [TestMethod]
    public void Status_WhenTheRequestFails_Exits1_Since2MeansSealed()
    {
        var target = new FakeTarget().Fail(Operation.Read, "sys/seal-status", ErrorCode.Internal, "boom");

        InProcess.Run(target, "status").Is(1, "", "Error checking seal status: Error making API request.\n\nRequest: read sys/seal-status\nCode: 500. Errors:\n\n* boom\n");
    }

    [TestMethod]
    public void Init_SendsTheCounts_AndPrintsVaultsText()
    {
        var target = new FakeTarget().OnJson(Operation.Update, "sys/init", """{"keys":["0a","0b"],"keys_base64":["Cg==","Cw=="],"root_token":"hvs.root"}""");

        var result = InProcess.Run(target, "operator", "init", "-key-shares=2", "-key-threshold=2");

        result.Is(0, """
            Unseal Key 1: Cg==
            Unseal Key 2: Cw==

            Initial Root Token: hvs.root

            PluginHost initialized with 2 key shares and a key threshold of 2. Please
            securely distribute the key shares printed above. When PluginHost is
            re-sealed, restarted, or stopped, you must supply at least 2 of these keys to
            unseal it before it can start servicing requests.

            PluginHost does not store the generated root key. Without at least 2 keys to
            reconstruct the root key, PluginHost will remain permanently sealed!

            """);
        Assert.AreEqual("""{"secret_shares":2,"secret_threshold":2}""", target.SentData());
    }

    [TestMethod]
    public void Init_DefaultsTo5SharesAndThreshold3_AndPrintsVaultsJson()
    {
        var target = new FakeTarget().OnJson(Operation.Update, "sys/init", """{"keys":["0a"],"keys_base64":["Cg=="],"root_token":"hvs.root"}""");

        var result = InProcess.Run(target, "operator", "init", "-format=json");

        result.Is(0, """
            {
              "unseal_keys_b64": [
                "Cg=="
              ],
              "unseal_keys_hex": [
                "0a"
              ],
              "unseal_shares": 5,
              "unseal_threshold": 3,
              "recovery_keys_b64": [],
              "recovery_keys_hex": [],
              "recovery_keys_shares": 0,
              "recovery_keys_threshold": 0,
              "root_token": "hvs.root"
            }

            """);
        Assert.AreEqual("""{"secret_shares":5,"secret_threshold":3}""", target.SentData());
    }

    [TestMethod]
    public void Init_WithAKeyShareCountThatIsNotANumber_IsAUsageError()
    {
        InProcess.Run(new FakeTarget(), "operator", "init", "-key-shares=five").Is(1, "", "invalid value \"five\" for flag -key-shares: parse error\n");
    }

    [TestMethod]
    public void InitStatus_Exits0Initialized_2NotInitialized_1OnError()
    {
        InProcess.Run(new FakeTarget().OnJson(Operation.Read, "sys/init", """{"initialized":true}"""), "operator", "init", "-status").Is(0, "Vault is initialized\n");
        InProcess.Run(new FakeTarget().OnJson(Operation.Read, "sys/init", """{"initialized":false}"""), "operator", "init", "-status").Is(2, "Vault is not initialized\n");
        InProcess.Run(new FakeTarget().OnJson(Operation.Read, "sys/init", """{"initialized":false}"""), "operator", "init", "-status", "-format=json")
            .Is(2, "{\n  \"initialized\": false\n}\n");
        InProcess.Run(new FakeTarget().Fail(Operation.Read, "sys/init", ErrorCode.Internal, "boom"), "operator", "init", "-status")
            .Is(1, "", "Error checking init status: Error making API request.\n\nRequest: read sys/init\nCode: 500. Errors:\n\n* boom\n");
    }

    [TestMethod]
    public void Unseal_FromTheTerminal_PromptsOnStdout_AndSendsTheHiddenKeyTrimmed()
    {
        var target = new FakeTarget().OnJson(Operation.Update, "sys/unseal", SealedStatus);

        var result = InProcess.RunAtTerminal(target, "  the-key  ", "operator", "unseal");

        result.Is(0, "Unseal Key (will be hidden): \n" + SealedTable);
        Assert.AreEqual("""{"key":"the-key"}""", target.SentData());
    }

    [TestMethod]
    public void Unseal_WithoutATerminal_ReadsTheKeyFromStdinsFirstLine_WithoutAPrompt()
    {
        var target = new FakeTarget().OnJson(Operation.Update, "sys/unseal", SealedStatus);

        InProcess.RunWithStdin(target, "the-key\nmore\n", "operator", "unseal").Is(0, SealedTable);
        Assert.AreEqual("""{"key":"the-key"}""", target.SentData());
    }

    [TestMethod]
    public void UnsealReset_SendsReset_AndPrintsTheStatus()
    {
        var target = new FakeTarget().OnJson(Operation.Update, "sys/unseal", SealedStatus);

        InProcess.Run(target, "operator", "unseal", "-reset").Is(0, SealedTable);
        Assert.AreEqual("""{"reset":true}""", target.SentData());
    }

    [TestMethod]
    public void Unseal_Refused_IsVaultsError_Exit2()
    {
        var target = new FakeTarget().Fail(Operation.Update, "sys/unseal", ErrorCode.BadRequest, "unseal failed, invalid key");

        InProcess.Run(target, "operator", "unseal", "abcd").Is(2, "", "Error unsealing: Error making API request.\n\nRequest: write sys/unseal\nCode: 400. Errors:\n\n* unseal failed, invalid key\n");
        InProcess.Run(new FakeTarget(), "operator", "unseal", "a", "b").Is(1, "", "Too many arguments (expected 1, got 2)\n");
    }

    [TestMethod]
    public void Seal_WritesSysSeal()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "operator", "seal").Is(0, "Success! Vault is sealed.\n");
        Assert.AreEqual("sys/seal", target.Requests.Single().Path);
        Assert.AreEqual(Operation.Update, target.Requests.Single().Operation);
    }

    [TestMethod]
    public void KeyStatus_IsVaultsColumns_WithTheInstallTimeInRfc822()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/key-status", KeyStatus);

        InProcess.Run(target, "operator", "key-status").Is(0, "Key Term            3\nInstall Time        03 Dec 26 13:07 UTC\nEncryption Count    42\n");
        InProcess.Run(target, "operator", "key-status", "-format=json")
            .Is(0, "{\n  \"term\": 3,\n  \"install_time\": \"2026-12-03T13:07:17.12345Z\",\n  \"encryptions\": 42\n}\n");
    }

    [TestMethod]
    public void Rotate_RotatesThenPrintsTheNewKeysStatus()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/key-status", KeyStatus);

        InProcess.Run(target, "operator", "rotate").Is(0, "Success! Rotated key\n\nKey Term            3\nInstall Time        03 Dec 26 13:07 UTC\nEncryption Count    42\n");
        Assert.AreEqual("sys/rotate", target.Requests[0].Path);
        Assert.AreEqual("sys/key-status", target.Requests[1].Path);
    }

    [TestMethod]
    [DataRow("status")]
    [DataRow("operator", "init")]
    [DataRow("operator", "init", "-status")]
    [DataRow("operator", "unseal")]
    [DataRow("operator", "unseal", "-reset")]
    [DataRow("operator", "seal")]
    public void TheSealsCommands_InEmbeddedMode_SayTheyNeedAServer_AndSendNothing(params string[] args)
    {
        var target = new FakeTarget { IsRemote = false };

        var result = InProcess.RunWithStdin(target, "a-key\n", args);

        var name = string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')));
        Assert.AreEqual((1, ""), (result.ExitCode, result.Stdout), result.ToString());
        Assert.AreEqual(
            $"Error: plugin-host {name} needs a running server, and PLUGIN_HOST_ADDR is not set: the seal is the server's. " +
            "Start one with \"plugin-host server -config=FILE\" and set PLUGIN_HOST_ADDR (or VAULT_ADDR) to its address, such as http://127.0.0.1:8200.",
            result.Stderr.TrimEnd('\n').Replace('\n', ' '));
        Assert.IsEmpty(target.Requests);
    }
}
