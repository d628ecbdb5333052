namespace PluginHost.Cli.Tests.Unit;

/// <summary>Each command sends the logical request docs/system-paths.md defines, and prints the host's answer Vault's way.</summary>
[TestClass]
public sealed class CommandRequestTests
{
    private const string CatalogEntry = """{"name":"my-mock-plugin","command":"my-mock-plugin","args":[],"env":[],"sha256":"2c07","builtin":false,"version":""}""";

    [TestMethod]
    public void Write_CatalogEntry_SendsTheFieldsAndSaysDataWritten()
    {
        var target = new FakeTarget();

        var result = InProcess.Run(target, "write", "sys/plugins/catalog/secret/my-mock-plugin", "sha256=2c07", "command=my-mock-plugin");

        result.Is(0, "Success! Data written to: sys/plugins/catalog/secret/my-mock-plugin\n");
        Assert.AreEqual(Operation.Update, target.Requests[0].Operation);
        Assert.AreEqual("sys/plugins/catalog/secret/my-mock-plugin", target.Requests[0].Path);
        Assert.AreEqual("""{"command":"my-mock-plugin","sha256":"2c07"}""", target.SentData());
        Assert.IsTrue(target.Disposed);
    }

    [TestMethod]
    public void Write_AnswerWithData_PrintsTheKeyValueTable()
    {
        var target = new FakeTarget().OnJson(Operation.Update, "my-secrets-plugin/kv/foo", """{"value":"bar"}""");

        InProcess.Run(target, "write", "/my-secrets-plugin/kv/foo/", "value=bar").Is(0, "Key      Value\n---      -----\nvalue    bar\n");
        Assert.AreEqual("my-secrets-plugin/kv/foo", target.Requests[0].Path);
    }

    [TestMethod]
    public void Write_JsonFormatWithoutData_PrintsNothing()
    {
        InProcess.Run(new FakeTarget(), "write", "-format=json", "a/b", "k=v").Is(0, "");
    }

    [TestMethod]
    public void Write_Field_PrintsTheRawValue()
    {
        var target = new FakeTarget().OnJson(Operation.Update, "kv/foo", """{"value":"bar"}""");

        InProcess.Run(target, "write", "-field=value", "kv/foo", "value=bar").Is(0, "bar");
    }

    [TestMethod]
    public void Write_WithoutData_NeedsForce()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "write", "kv/foo").Is(1, "", "Must supply data or use -force\n");
        InProcess.Run(target, "write", "-f", "kv/foo").Is(0, "Success! Data written to: kv/foo\n");
        Assert.AreEqual("{}", target.SentData());
    }

    [TestMethod]
    public void Write_MalformedPair_FailsBeforeOpeningTheHost()
    {
        var result = InProcess.Run(new FakeTarget(), "write", "kv/foo", "value");

        result.Is(1, "", "Failed to parse K=V data: invalid key/value pair \"value\": format must be key=value\n");
        Assert.IsNull(result.Config);
    }

    [TestMethod]
    public void Write_StdinJson_IsTheBody()
    {
        var target = new FakeTarget();

        InProcess.RunWithStdin(target, """{"value":"bar","n":1}""", "write", "kv/foo", "-").Is(0, "Success! Data written to: kv/foo\n");
        Assert.AreEqual("""{"n":1,"value":"bar"}""", target.SentData());
    }

    [TestMethod]
    public void Write_HostError_PrintsVaultsErrorWithTheRequest()
    {
        var target = new FakeTarget().Fail(Operation.Update, "nope/foo", ErrorCode.NotFound, "no handler for route \"nope/foo\". route entry not found.");

        InProcess.Run(target, "write", "nope/foo", "a=b").Is(
            2,
            "",
            """
            Error writing data to nope/foo: Error making API request.

            Request: write nope/foo
            Code: 404. Errors:

            * no handler for route "nope/foo". route entry not found.

            """);
    }

    [TestMethod]
    public void Read_Missing_SaysNoValueFound()
    {
        InProcess.Run(new FakeTarget(), "read", "kv/nope").Is(2, "", "No value found at kv/nope\n");
        InProcess.Run(new FakeTarget().Fail(Operation.Read, "nope/x", ErrorCode.NotFound, "no handler"), "read", "nope/x").Is(2, "", "No value found at nope/x\n");
    }

    [TestMethod]
    public void Read_ExtraPairs_AreRequestData()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/plugins/catalog/secret/my-mock-plugin", CatalogEntry);

        var result = InProcess.Run(target, "read", "-field=command", "sys/plugins/catalog/secret/my-mock-plugin", "version=v1.0.0");

        result.Is(0, "my-mock-plugin");
        Assert.AreEqual("""{"version":"v1.0.0"}""", target.SentData());
    }

    [TestMethod]
    public void Read_Json_PrintsTheEnvelope()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "kv/foo", """{"value":"bar"}""");

        var result = InProcess.Run(target, "read", "-format=json", "kv/foo");

        var requestId = target.Requests[0].RequestId;
        result.Is(0, $$"""
            {
              "request_id": "{{requestId}}",
              "lease_id": "",
              "lease_duration": 0,
              "renewable": false,
              "data": {
                "value": "bar"
              },
              "warnings": null
            }

            """);
    }

    [TestMethod]
    public void List_SortsKeysInTheTableAndKeepsTheHostsOrderInJson()
    {
        var target = new FakeTarget().OnJson(Operation.List, "kv/", """{"keys":["foo","bar/","baz"]}""");

        InProcess.Run(target, "list", "kv").Is(0, "Keys\n----\nbar/\nbaz\nfoo\n");
        InProcess.Run(target, "list", "-format=json", "kv/").Is(0, "[\n  \"foo\",\n  \"bar/\",\n  \"baz\"\n]\n");
    }

    [TestMethod]
    public void List_AnEmptyKeyList_IsNothing_AsOverVaultsHttpApi()
    {
        // Issue 15: a backend answering {"keys":[]} printed nothing and exited 0 in embedded mode; over HTTP the server
        // answers such a list 404, and Vault's CLI says there is nothing.
        var target = new FakeTarget().OnJson(Operation.List, "kv/", """{"keys":[]}""");

        InProcess.Run(target, "list", "kv").Is(2, "", "No value found at kv\n");
        InProcess.Run(target, "list", "-format=json", "kv").Is(2, "{}\n");
    }

    [TestMethod]
    public void List_Nothing_SaysNoValueFound()
    {
        InProcess.Run(new FakeTarget(), "list", "kv/").Is(2, "", "No value found at kv\n");
        InProcess.Run(new FakeTarget(), "list", "-format=json", "kv/").Is(2, "{}\n");
        InProcess.Run(new FakeTarget(), "list", "a", "b").Is(1, "", "Too many arguments (expected 1, got 2)\n");
    }

    [TestMethod]
    public void Delete_SaysDeletedIfItExisted()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "delete", "kv/foo").Is(0, "Success! Data deleted (if it existed) at: kv/foo\n");
        Assert.AreEqual(Operation.Delete, target.Requests[0].Operation);
    }

    [TestMethod]
    public void SecretsEnable_ExternalPlugin_SaysPluginAndSendsTheMount()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/plugins/catalog/secret/my-mock-plugin", CatalogEntry);

        var result = InProcess.Run(target, "secrets", "enable", "-path=my-secrets-plugin", "-description=mock", "-default-lease-ttl=1h", "-options=a=b", "my-mock-plugin");

        result.Is(0, "Success! Enabled the my-mock-plugin plugin at: my-secrets-plugin/\n");
        Assert.AreEqual("sys/mounts/my-secrets-plugin", target.Requests[0].Path);
        Assert.AreEqual(Operation.Update, target.Requests[0].Operation);
        Assert.AreEqual("""{"config":{"default_lease_ttl":3600},"description":"mock","options":{"a":"b"},"type":"my-mock-plugin"}""", target.SentData());
    }

    [TestMethod]
    public void SecretsEnable_Builtin_SaysSecretsEngineAtThePluginName()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/plugins/catalog/secret/kv", """{"name":"kv","builtin":true}""");

        InProcess.Run(target, "secrets", "enable", "kv").Is(0, "Success! Enabled the kv secrets engine at: kv/\n");
        Assert.AreEqual("sys/mounts/kv", target.Requests[0].Path);
    }

    [TestMethod]
    public void SecretsEnable_OldPluginSyntaxAndVersion_AreUnderstood()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/plugins/catalog/secret/my-mock-plugin", CatalogEntry);

        InProcess.Run(target, "secrets", "enable", "-path=m", "-plugin-name=my-mock-plugin", "-plugin-version=v1.0.0", "plugin")
            .Is(0, "Success! Enabled the my-mock-plugin plugin version v1.0.0 at: m/\n");
        Assert.AreEqual("""{"plugin_version":"v1.0.0","type":"my-mock-plugin"}""", target.SentData());
        Assert.AreEqual("""{"version":"v1.0.0"}""", target.SentData(1));
    }

    [TestMethod]
    public void SecretsEnable_Refused_SaysErrorEnabling()
    {
        var target = new FakeTarget().Fail(Operation.Update, "sys/mounts/sys", ErrorCode.Forbidden, "cannot mount \"sys/\": the sys/ prefix is reserved; choose another path");

        InProcess.Run(target, "secrets", "enable", "-path=sys", "kv").Is(
            2,
            "",
            """
            Error enabling: Error making API request.

            Request: write sys/mounts/sys
            Code: 403. Errors:

            * cannot mount "sys/": the sys/ prefix is reserved; choose another path

            """);
    }

    [TestMethod]
    public void SecretsEnable_FlagAfterType_WarnsThenCountsItAsAnArgument()
    {
        var result = InProcess.Run(new FakeTarget(), "secrets", "enable", "kv", "-path=x");

        result.Is(
            1,
            "",
            "Command flags must be provided before positional arguments. The following arguments will not be parsed as flags: [-path=x]\n" +
            "Too many arguments (expected 1, got 2)\n");
    }

    [TestMethod]
    public void AuthEnable_SendsTheMountAndSaysAuthMethod()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "auth", "enable", "-path=my-auth", "my-userpass-plugin").Is(0, "Success! Enabled my-userpass-plugin auth method at: my-auth/\n");
        Assert.AreEqual("sys/auth/my-auth", target.Requests[0].Path);
        Assert.AreEqual("""{"type":"my-userpass-plugin"}""", target.SentData());
    }

    [TestMethod]
    public void AuthEnable_WrongType_PrintsTheGuidesError()
    {
        var target = new FakeTarget().Fail(Operation.Update, "sys/auth/my-auth-plugin", ErrorCode.BadRequest, "cannot mount 'my-mock-plugin' of type 'secret' as an auth method");

        InProcess.Run(target, "auth", "enable", "-path=my-auth-plugin", "my-mock-plugin").Is(
            2,
            "",
            """
            Error enabling my-mock-plugin auth: Error making API request.

            Request: write sys/auth/my-auth-plugin
            Code: 400. Errors:

            * cannot mount 'my-mock-plugin' of type 'secret' as an auth method

            """);
    }

    [TestMethod]
    public void Disable_DeletesTheMount()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "secrets", "disable", "/my-secrets-plugin").Is(0, "Success! Disabled the secrets engine (if it existed) at: my-secrets-plugin/\n");
        InProcess.Run(target, "auth", "disable", "userpass//").Is(0, "Success! Disabled the auth method (if it existed) at: userpass/\n");
        Assert.AreEqual("sys/mounts/my-secrets-plugin", target.Requests[0].Path);
        Assert.AreEqual("sys/auth/userpass", target.Requests[1].Path);
        Assert.IsTrue(target.Requests.All(r => r.Operation == Operation.Delete));
    }

    [TestMethod]
    public void SecretsList_PrintsTheMountTable()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/mounts", Mounts);

        InProcess.Run(target, "secrets", "list").Is(0, """
            Path                  Type              Accessor                   Description
            ----                  ----              --------                   -----------
            kv/                   kv                kv_0a1b2c3d                n/a
            my-secrets-plugin/    my-mock-plugin    my-mock-plugin_11223344    mock engine

            """);
    }

    [TestMethod]
    public void SecretsList_Detailed_PrintsVaultsColumns()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/mounts", Mounts);

        var lines = InProcess.Run(target, "secrets", "list", "-detailed").Stdout.Split('\n');

        Assert.AreEqual("Path Plugin Accessor Default TTL Max TTL Force No Cache Replication Seal Wrap External Entropy Access Options Description UUID Version Running Version Running SHA256 Deprecation Status", Squeeze(lines[0]));
        Assert.AreEqual("kv/ kv kv_0a1b2c3d system system false replicated false false map[] n/a 11111111-2222-3333-4444-555555555555 n/a n/a n/a n/a", Squeeze(lines[2]));
        Assert.AreEqual("my-secrets-plugin/ my-mock-plugin my-mock-plugin_11223344 3600 system false replicated false false map[a:b] mock engine 66666666-2222-3333-4444-555555555555 n/a n/a 2c07 n/a", Squeeze(lines[3]));
    }

    [TestMethod]
    public void SecretsList_Json_IsVaultsMountOutputMap()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/mounts", Mounts);

        var result = InProcess.Run(target, "secrets", "list", "-format=json");

        Assert.AreEqual(0, result.ExitCode);
        StringAssert.StartsWith(result.Stdout, """
            {
              "kv/": {
                "uuid": "11111111-2222-3333-4444-555555555555",
                "type": "kv",
                "description": "",
                "accessor": "kv_0a1b2c3d",
                "config": {
                  "default_lease_ttl": 0,
                  "max_lease_ttl": 0,
                  "force_no_cache": false
                },
                "options": null,
                "local": false,
                "seal_wrap": false,
                "external_entropy_access": false,
                "plugin_version": "",
                "running_plugin_version": "",
                "running_sha256": "",
                "deprecation_status": ""
              },
            """);
        StringAssert.Contains(result.Stdout, "\"options\": {\n      \"a\": \"b\"\n    },");
    }

    [TestMethod]
    public void AuthList_ReadsSysAuth()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/auth", """{"userpass/":{"type":"userpass","accessor":"userpass_1","description":"","config":{}}}""");

        InProcess.Run(target, "auth", "list").Is(0, "Path         Type        Accessor      Description\n----         ----        --------      -----------\nuserpass/    userpass    userpass_1    n/a\n");
    }

    [TestMethod]
    public void SecretsMove_WritesRemountAndReportsTheMigration()
    {
        var target = new FakeTarget().OnJson(Operation.Update, "sys/remount", """{"migration_id":"m-1"}""");

        InProcess.Run(target, "secrets", "move", "a", "b/").Is(
            0,
            "Started moving secrets engine a/ to b/, with migration ID m-1\nSuccess! Finished moving secrets engine a/ to b/, with migration ID m-1\n");
        Assert.AreEqual("""{"from":"a/","to":"b/"}""", target.SentData());
    }

    [TestMethod]
    public void SecretsTune_WritesTheTunePath()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "secrets", "tune", "-max-lease-ttl=2h", "-description=d", "-options=x=", "kv").Is(0, "Success! Tuned the secrets engine at: kv/\n");
        Assert.AreEqual("sys/mounts/kv/tune", target.Requests[0].Path);
        Assert.AreEqual("""{"description":"d","max_lease_ttl":7200,"options":{"x":""}}""", target.SentData());
    }

    [TestMethod]
    public void PluginRegister_WritesTheCatalogEntry()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "plugin", "register", "-sha256=2c07", "-args=--x", "-env=A=B", "-version=v1.0.0", "secret", "my-mock-plugin")
            .Is(0, "Success! Registered plugin: my-mock-plugin\n");
        Assert.AreEqual("sys/plugins/catalog/secret/my-mock-plugin", target.Requests[0].Path);
        Assert.AreEqual("""{"args":["--x"],"command":"my-mock-plugin","env":["A=B"],"sha256":"2c07","version":"v1.0.0"}""", target.SentData());
    }

    [TestMethod]
    public void PluginRegister_BadArguments_AreRefusedWithVaultsTexts()
    {
        InProcess.Run(new FakeTarget(), "plugin", "register", "secret", "x").Is(1, "", "SHA256 is required for all plugins, please provide -sha256\n");
        InProcess.Run(new FakeTarget(), "plugin", "register", "-sha256=1", "x").Is(1, "", "Not enough arguments (expected 2, got 1)\n");
        InProcess.Run(new FakeTarget(), "plugin", "register", "-sha256=1", "secrets", "x").Is(2, "", "\"secrets\" is not a supported plugin type\n");
    }

    [TestMethod]
    public void PluginDeregister_DeletesTheEntry()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "plugin", "deregister", "-version=1.0.0", "auth", "my-userpass-plugin")
            .Is(0, "Success! Deregistered plugin (if it was registered): my-userpass-plugin\n");
        Assert.AreEqual("sys/plugins/catalog/auth/my-userpass-plugin", target.Requests[0].Path);
        Assert.AreEqual(Operation.Delete, target.Requests[0].Operation);
        Assert.AreEqual("""{"version":"1.0.0"}""", target.SentData());
    }

    [TestMethod]
    public void PluginList_PrintsNamesTypesAndVersions()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/plugins/catalog", Catalog);

        InProcess.Run(target, "plugin", "list").Is(0, """
            Name              Type      Version
            ----              ----      -------
            userpass          auth      n/a
            kv                secret    n/a
            my-mock-plugin    secret    v1.0.0

            """);
        InProcess.Run(target, "plugin", "list", "secret").Is(0, "Name              Version\n----              -------\nkv                n/a\nmy-mock-plugin    v1.0.0\n");
        InProcess.Run(target, "plugin", "list", "-detailed").Is(0, """
            Name              Type      Version    Deprecation Status
            ----              ----      -------    ------------------
            userpass          auth      n/a        supported
            kv                secret    n/a        supported
            my-mock-plugin    secret    v1.0.0     n/a

            """);
        InProcess.Run(target, "plugin", "list", "nope").Is(2, "", "Error parsing type: \"nope\" is not a supported plugin type\n");
    }

    [TestMethod]
    public void PluginList_Json_IsVaultsShape()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/plugins/catalog", Catalog);

        InProcess.Run(target, "plugin", "list", "-format=json", "auth").Is(0, """
            {
              "auth": [
                "userpass"
              ],
              "details": [
                {
                  "type": "auth",
                  "name": "userpass",
                  "builtin": true,
                  "deprecation_status": "supported"
                }
              ]
            }

            """);
    }

    [TestMethod]
    public void PluginInfo_PrintsTheEntryWithoutItsEnvironment()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/plugins/catalog/secret/my-mock-plugin", CatalogEntry.Replace("\"env\":[]", "\"env\":[\"TOKEN=x\"]", StringComparison.Ordinal));

        InProcess.Run(target, "plugin", "info", "secret", "my-mock-plugin").Is(0, """
            Key        Value
            ---        -----
            args       []
            builtin    false
            command    my-mock-plugin
            name       my-mock-plugin
            sha256     2c07
            version    n/a

            """);
        InProcess.Run(target, "plugin", "info", "-field=sha256", "secret", "my-mock-plugin").Is(0, "2c07");
        InProcess.Run(target, "plugin", "info", "secret", "nope").Is(2, "", "No value found for plugin \"nope\"\n");
    }

    [TestMethod]
    public void PluginReload_WritesTheReloadPath()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "plugin", "reload", "-plugin=my-mock-plugin").Is(0, "Success! Reloaded plugin: my-mock-plugin\n");
        InProcess.Run(target, "plugin", "reload", "-mounts=a/,b/", "-mounts", "c/").Is(0, "Success! Reloaded mounts: [a/ b/ c/]\n");
        Assert.AreEqual("sys/plugins/reload/backend", target.Requests[0].Path);
        Assert.AreEqual("""{"plugin":"my-mock-plugin"}""", target.SentData(0));
        Assert.AreEqual("""{"mounts":["a/","b/","c/"]}""", target.SentData(1));
        InProcess.Run(target, "plugin", "reload", "-plugin=my-mock-plugin", "-scope=global");
        Assert.AreEqual("""{"plugin":"my-mock-plugin","scope":"global"}""", target.SentData(2));
    }

    [TestMethod]
    [DataRow("No plugins specified, must specify exactly one of -plugin or -mounts")]
    [DataRow("Must specify exactly one of -plugin or -mounts", "-plugin=x", "-mounts=y")]
    [DataRow("Invalid reload scope: cluster", "-plugin=x", "-scope=cluster")]
    [DataRow("Cannot specify -type with -mounts", "-mounts=y", "-type=secret")]
    [DataRow("Too many arguments (expected 0, got 1)", "-plugin=x", "extra")]
    public void PluginReload_BadFlags_AreRefused(string message, params string[] flags)
    {
        InProcess.Run(new FakeTarget(), ["plugin", "reload", .. flags]).Is(1, "", message + "\n");
    }

    private const string Mounts = """
        {
          "my-secrets-plugin/": {"type":"my-mock-plugin","description":"mock engine","accessor":"my-mock-plugin_11223344","uuid":"66666666-2222-3333-4444-555555555555",
            "plugin_version":"","running_plugin_version":"","running_sha256":"2c07","config":{"default_lease_ttl":3600,"max_lease_ttl":0},"options":{"a":"b"},"local":false,"seal_wrap":false,"external_entropy_access":false},
          "kv/": {"type":"kv","description":"","accessor":"kv_0a1b2c3d","uuid":"11111111-2222-3333-4444-555555555555",
            "plugin_version":"","running_plugin_version":"","running_sha256":"","config":{"default_lease_ttl":0,"max_lease_ttl":0},"options":{},"local":false,"seal_wrap":false,"external_entropy_access":false}
        }
        """;

    private const string Catalog = """
        {
          "auth": ["userpass"],
          "secret": ["kv", "my-mock-plugin"],
          "detailed": [
            {"name":"userpass","type":"auth","version":"","builtin":true,"deprecation_status":"supported"},
            {"name":"kv","type":"secret","version":"","builtin":true,"deprecation_status":"supported"},
            {"name":"my-mock-plugin","type":"secret","version":"v1.0.0","builtin":false}
          ]
        }
        """;

    private static string Squeeze(string line) => string.Join(' ', line.Split("    ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()));
}
