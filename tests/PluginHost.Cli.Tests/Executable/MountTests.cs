namespace PluginHost.Cli.Tests.Executable;

/// <summary>Enabling, listing, moving, tuning and disabling mounts, and Vault's path rules, through real plugin-host runs.</summary>
[TestClass]
public sealed class MountTests
{
    [TestMethod]
    public void Enable_UnknownPlugin_IsNotFound()
    {
        using var sandbox = new Sandbox();

        sandbox.Run("secrets", "enable", "nope").Is(2, "", """
            Error enabling: Error making API request.

            Request: write sys/mounts/nope
            Code: 404. Errors:

            * plugin not found in the catalog: nope

            """);
    }

    [TestMethod]
    public void Enable_AuthPluginAsSecretsEngine_IsATypeMismatch()
    {
        using var sandbox = new Sandbox();
        sandbox.Run("plugin", "register", $"-sha256={Published.UserpassSha256}", "auth", "my-userpass-plugin").Is(0, "Success! Registered plugin: my-userpass-plugin\n");

        sandbox.Run("secrets", "enable", "my-userpass-plugin").Is(2, "", """
            Error enabling: Error making API request.

            Request: write sys/mounts/my-userpass-plugin
            Code: 400. Errors:

            * cannot mount 'my-userpass-plugin' of type 'auth' as a secrets engine

            """);
    }

    [TestMethod]
    [DataRow("sys", "cannot mount \"sys/\": the sys/ prefix is reserved; choose another path")]
    [DataRow("auth/x", "cannot mount \"auth/x/\": the auth/ prefix is reserved; enable auth methods with 'auth enable' instead")]
    [DataRow("cubbyhole", "cannot mount \"cubbyhole/\": the cubbyhole/ prefix is reserved; choose another path")]
    public void Enable_ProtectedPath_IsForbidden(string path, string message)
    {
        using var sandbox = new Sandbox();

        sandbox.Run("secrets", "enable", $"-path={path}", "kv").Is(2, "", $"""
            Error enabling: Error making API request.

            Request: write sys/mounts/{path}
            Code: 403. Errors:

            * {message}

            """);
    }

    [TestMethod]
    public void Enable_OverlappingPath_NamesTheMountInTheWay()
    {
        using var sandbox = new Sandbox();
        sandbox.Run("secrets", "enable", "-path=a", "kv").Is(0, "Success! Enabled the kv secrets engine at: a/\n");

        foreach (var path in (string[])["a", "a/b"])
        {
            sandbox.Run("secrets", "enable", $"-path={path}", "kv").Is(2, "", $"""
                Error enabling: Error making API request.

                Request: write sys/mounts/{path}
                Code: 400. Errors:

                * path is already in use at a/

                """);
        }
    }

    [TestMethod]
    public void SecretsListMoveTuneDisable_KeepDataAcrossTheMove()
    {
        using var sandbox = new Sandbox();
        sandbox.EnableMock();
        sandbox.Run("secrets", "enable", "-description=team secrets", "kv").Is(0, "Success! Enabled the kv secrets engine at: kv/\n");
        sandbox.Run("write", "my-secrets-plugin/kv/foo", "value=bar").Is(0, "Key      Value\n---      -----\nvalue    bar\n");

        var list = sandbox.Run("secrets", "list");
        Assert.AreEqual(0, list.ExitCode, list.ToString());
        StringAssert.Matches(list.Stdout, new System.Text.RegularExpressions.Regex(
            "^Path                  Type              Accessor                   Description\n" +
            "----                  ----              --------                   -----------\n" +
            "kv/                   kv                kv_[0-9a-f]{8}                team secrets\n" +
            "my-secrets-plugin/    my-mock-plugin    my-mock-plugin_[0-9a-f]{8}    n/a\n$"));

        var moved = sandbox.Run("secrets", "move", "my-secrets-plugin", "moved");
        Assert.AreEqual(0, moved.ExitCode, moved.ToString());
        StringAssert.Matches(moved.Stdout, new System.Text.RegularExpressions.Regex(
            "^Started moving secrets engine my-secrets-plugin/ to moved/, with migration ID \\S+\n" +
            "Success! Finished moving secrets engine my-secrets-plugin/ to moved/, with migration ID \\S+\n$"));
        sandbox.Run("read", "moved/kv/foo").Is(0, "Key      Value\n---      -----\nvalue    bar\n");

        sandbox.Run("secrets", "tune", "-default-lease-ttl=1h", "-max-lease-ttl=2h", "-description=moved engine", "moved").Is(0, "Success! Tuned the secrets engine at: moved/\n");
        sandbox.Run("read", "sys/mounts/moved/tune").Is(0, """
            Key                  Value
            ---                  -----
            default_lease_ttl    1h
            description          moved engine
            force_no_cache       false
            max_lease_ttl        2h
            options              map[]
            plugin_version       n/a

            """);
        var json = sandbox.Run("secrets", "list", "-format=json");
        StringAssert.Contains(json.Stdout, "  \"moved/\": {\n");
        StringAssert.Contains(json.Stdout, "\"config\": {\n      \"default_lease_ttl\": 3600,\n      \"max_lease_ttl\": 7200,\n      \"force_no_cache\": false\n    },");

        sandbox.Run("secrets", "disable", "moved").Is(0, "Success! Disabled the secrets engine (if it existed) at: moved/\n");
        sandbox.Run("secrets", "disable", "moved").Is(0, "Success! Disabled the secrets engine (if it existed) at: moved/\n");
    }

    [TestMethod]
    public void AuthEnableListDisable_WithTheUserpassPlugin()
    {
        using var sandbox = new Sandbox();
        sandbox.Run("plugin", "register", $"-sha256={Published.UserpassSha256}", "auth", "my-userpass-plugin").Is(0, "Success! Registered plugin: my-userpass-plugin\n");

        sandbox.Run("auth", "enable", "-path=people", "my-userpass-plugin").Is(0, "Success! Enabled my-userpass-plugin auth method at: people/\n");
        sandbox.Run("write", "auth/people/users/alice", "password=s3cret", "token_policies=dev").Is(0, "Success! Data written to: auth/people/users/alice\n");
        var login = sandbox.Run("write", "auth/people/login/alice", "password=s3cret");
        Assert.AreEqual(0, login.ExitCode, login.ToString());
        StringAssert.Contains(login.Stdout, "token_policies         [\"default\" \"dev\"]\n");
        StringAssert.Matches(login.Stdout, new System.Text.RegularExpressions.Regex("\ntoken                  hvs\\.\\S+\n"), "embedded mode shows the token the host issued");

        var list = sandbox.Run("auth", "list");
        StringAssert.Matches(list.Stdout, new System.Text.RegularExpressions.Regex(
            "^Path       Type                  Accessor                       Description\n" +
            "----       ----                  --------                       -----------\n" +
            "people/    my-userpass-plugin    my-userpass-plugin_[0-9a-f]{8}    n/a\n$"));

        sandbox.Run("auth", "disable", "people").Is(0, "Success! Disabled the auth method (if it existed) at: people/\n");
        sandbox.Run("auth", "list").Is(0, "Path    Type    Accessor    Description\n----    ----    --------    -----------\n");
    }
}
