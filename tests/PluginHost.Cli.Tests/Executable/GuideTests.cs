namespace PluginHost.Cli.Tests.Executable;

/// <summary>The guide of issue 5, step by step, through the real plugin-host and the real published mock plugin.</summary>
[TestClass]
public sealed class GuideTests
{
    [TestMethod]
    public void Guide_RunsCommandForCommand()
    {
        using var sandbox = new Sandbox();

        sandbox.Run("write", "sys/plugins/catalog/secret/my-mock-plugin", $"sha256={Published.MockSha256}", "command=my-mock-plugin")
            .Is(0, "Success! Data written to: sys/plugins/catalog/secret/my-mock-plugin\n");
        sandbox.Run("secrets", "enable", "-path=my-secrets-plugin", "my-mock-plugin")
            .Is(0, "Success! Enabled the my-mock-plugin plugin at: my-secrets-plugin/\n");
        sandbox.Run("auth", "enable", "-path=my-auth-plugin", "my-mock-plugin").Is(2, "", """
            Error enabling my-mock-plugin auth: Error making API request.

            Request: write sys/auth/my-auth-plugin
            Code: 400. Errors:

            * cannot mount 'my-mock-plugin' of type 'secret' as an auth method

            """);
        sandbox.Run("write", "my-secrets-plugin/kv/foo", "value=bar").Is(0, "Key      Value\n---      -----\nvalue    bar\n");
        sandbox.Run("secrets", "disable", "my-secrets-plugin")
            .Is(0, "Success! Disabled the secrets engine (if it existed) at: my-secrets-plugin/\n");
    }

    [TestMethod]
    public async Task PathHelp_AsksThePluginForItsHelp_InEmbeddedAndClientMode()
    {
        // Issue 15: there was no path-help, and ?help=1 reached the plugin as a read.
        using var sandbox = new Sandbox();
        sandbox.EnableMock();

        var embedded = sandbox.Run("path-help", "my-secrets-plugin/kv/foo");
        Assert.AreEqual(0, embedded.ExitCode, embedded.ToString());
        Assert.IsFalse(string.IsNullOrWhiteSpace(embedded.Stdout), embedded.ToString());
        var unmounted = sandbox.Run("path-help", "nothing-here/x");
        Assert.AreEqual(2, unmounted.ExitCode, unmounted.ToString());
        StringAssert.StartsWith(unmounted.Stderr, "Error retrieving help: ", unmounted.ToString());

        using var server = ServerProcess.StartDev(sandbox);
        sandbox.Environment["PLUGIN_HOST_ADDR"] = await server.AddressAsync();
        sandbox.Environment["PLUGIN_HOST_TOKEN"] = ServerProcess.DevRootToken;
        sandbox.EnableMock();
        var client = sandbox.Run("path-help", "my-secrets-plugin/kv/foo");
        Assert.AreEqual(0, client.ExitCode, client.ToString());
        Assert.AreEqual(embedded.Stdout, client.Stdout, "the same help over HTTP");
    }

    [TestMethod]
    public void Guide_DataOutlivesTheProcessAndGoesWithTheMount()
    {
        using var sandbox = new Sandbox();
        sandbox.EnableMock();
        sandbox.Run("write", "my-secrets-plugin/kv/foo", "value=bar").Is(0, "Key      Value\n---      -----\nvalue    bar\n");

        sandbox.Run("read", "my-secrets-plugin/kv/foo").Is(0, "Key      Value\n---      -----\nvalue    bar\n");
        sandbox.Run("list", "my-secrets-plugin/kv").Is(0, "Keys\n----\nfoo\n");
        sandbox.Run("delete", "my-secrets-plugin/kv/foo").Is(0, "Success! Data deleted (if it existed) at: my-secrets-plugin/kv/foo\n");
        sandbox.Run("read", "my-secrets-plugin/kv/foo").Is(2, "", "No value found at my-secrets-plugin/kv/foo\n");

        sandbox.Run("write", "my-secrets-plugin/kv/bar", "value=baz").Is(0, "Key      Value\n---      -----\nvalue    baz\n");
        sandbox.Run("secrets", "disable", "my-secrets-plugin").Is(0, "Success! Disabled the secrets engine (if it existed) at: my-secrets-plugin/\n");
        sandbox.Run("secrets", "enable", "-path=my-secrets-plugin", "my-mock-plugin").Is(0, "Success! Enabled the my-mock-plugin plugin at: my-secrets-plugin/\n");
        sandbox.Run("read", "my-secrets-plugin/kv/bar").Is(2, "", "No value found at my-secrets-plugin/kv/bar\n");
    }

    [TestMethod]
    public void Builtins_WorkWithoutAPluginDirectory()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.WriteConfig("data_directory = \"data\"\n");

        sandbox.Run("secrets", "enable", "kv").Is(0, "Success! Enabled the kv secrets engine at: kv/\n");
        sandbox.Run("write", "kv/foo", "value=bar").Is(0, "Success! Data written to: kv/foo\n");
        sandbox.Run("read", "-field=value", "kv/foo").Is(0, "bar");
        sandbox.Run("auth", "enable", "userpass").Is(0, "Success! Enabled userpass auth method at: userpass/\n");
        sandbox.Run("write", "auth/userpass/users/alice", "password=s3cret", "token_policies=dev").Is(0, "Success! Data written to: auth/userpass/users/alice\n");
        sandbox.Run("list", "auth/userpass/users").Is(0, "Keys\n----\nalice\n");
    }
}
