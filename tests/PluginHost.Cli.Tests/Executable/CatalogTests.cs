namespace PluginHost.Cli.Tests.Executable;

/// <summary>Registering, listing, reading and deregistering plugins, and the catalog's refusals, through real plugin-host runs.</summary>
[TestClass]
public sealed class CatalogTests
{
    [TestMethod]
    public void Register_WrongChecksum_NamesBothDigests()
    {
        using var sandbox = new Sandbox();
        var zeros = new string('0', 64);

        sandbox.Normalized(sandbox.Run("write", "sys/plugins/catalog/secret/my-mock-plugin", $"sha256={zeros}", "command=my-mock-plugin")).Is(2, "", $"""
            Error writing data to sys/plugins/catalog/secret/my-mock-plugin: Error making API request.

            Request: write sys/plugins/catalog/secret/my-mock-plugin
            Code: 400. Errors:

            * checksums did not match for secret plugin 'my-mock-plugin': expected sha256 {zeros}, but '<root>/plugins/my-mock-plugin' hashes to <mock-sha256>; if the binary was upgraded on purpose, register it again with the new sha256

            """);
    }

    [TestMethod]
    [DataRow("../my-mock-plugin", "command must not contain '..' segments: '../my-mock-plugin'; plugins must live inside the plugin directory")]
    [DataRow("/bin/sh", "command must be relative to the plugin directory: '/bin/sh'; copy the binary into the plugin directory and give its relative path")]
    public void Register_CommandOutsideThePluginDirectory_IsRefused(string command, string message)
    {
        using var sandbox = new Sandbox();

        sandbox.Run("plugin", "register", $"-sha256={Published.MockSha256}", $"-command={command}", "secret", "evil").Is(2, "", $"""
            Error registering plugin evil: Error making API request.

            Request: write sys/plugins/catalog/secret/evil
            Code: 400. Errors:

            * {message}

            """);
    }

    [TestMethod]
    public void Register_WithoutPluginDirectoryInTheConfig_SaysWhereToSetIt()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.WriteConfig("data_directory = \"data\"\n");

        sandbox.Normalized(sandbox.Run("plugin", "register", $"-sha256={Published.MockSha256}", "secret", "my-mock-plugin")).Is(2, "", """
            Error registering plugin my-mock-plugin: Error making API request.

            Request: write sys/plugins/catalog/secret/my-mock-plugin
            Code: 400. Errors:

            * could not set plugin, plugin directory is not configured; set plugin_directory in <root>/plugin-host.hcl

            """);
    }

    [TestMethod]
    public void Register_WithoutAnyConfigFile_SaysHowToCreateOne()
    {
        using var sandbox = new Sandbox(writeConfig: false);

        var result = sandbox.Run("write", "sys/plugins/catalog/secret/my-mock-plugin", $"sha256={Published.MockSha256}", "command=my-mock-plugin");

        Assert.AreEqual(2, result.ExitCode);
        StringAssert.EndsWith(result.Stderr, "* could not set plugin, plugin directory is not configured; no config file was found: create plugin-host.hcl with plugin_directory = \"/path/to/plugins\" (or give -config=FILE or PLUGIN_HOST_CONFIG)\n");
        Assert.IsTrue(Directory.Exists(Path.Join(sandbox.Root, ".local", "share", "plugin-host")), "the default data directory is under $HOME/.local/share");
    }

    [TestMethod]
    public void PluginCommands_RegisterListInfoDeregister()
    {
        using var sandbox = new Sandbox();

        sandbox.Run("plugin", "register", $"-sha256={Published.UserpassSha256}", "auth", "my-userpass-plugin").Is(0, "Success! Registered plugin: my-userpass-plugin\n");
        sandbox.Run("plugin", "register", $"-sha256={Published.MockSha256}", "-command=my-mock-plugin", "-version=v1.0.0", "secret", "mock").Is(0, "Success! Registered plugin: mock\n");

        sandbox.Run("plugin", "list").Is(0, """
            Name                  Type      Version
            ----                  ----      -------
            my-userpass-plugin    auth      n/a
            userpass              auth      v0.1.0+builtin
            database              secret    v0.1.0+builtin
            kv                    secret    v0.1.0+builtin
            mock                  secret    v1.0.0

            """);
        sandbox.Run("plugin", "list", "auth").Is(0, "Name                  Version\n----                  -------\nmy-userpass-plugin    n/a\nuserpass              v0.1.0+builtin\n");
        sandbox.Run("list", "sys/plugins/catalog/secret").Is(0, "Keys\n----\ndatabase\nkv\nmock\n");
        sandbox.Normalized(sandbox.Run("plugin", "info", "auth", "my-userpass-plugin")).Is(0, """
            Key        Value
            ---        -----
            args       []
            builtin    false
            command    my-userpass-plugin
            name       my-userpass-plugin
            sha256     <userpass-sha256>
            version    n/a

            """);
        sandbox.Run("plugin", "info", "-version=v1.0.0", "-field=version", "secret", "mock").Is(0, "v1.0.0");
        sandbox.Run("plugin", "info", "secret", "nope").Is(2, "", "No value found for plugin \"nope\"\n");

        sandbox.Run("plugin", "deregister", "-version=v1.0.0", "secret", "mock").Is(0, "Success! Deregistered plugin (if it was registered): mock\n");
        sandbox.Run("plugin", "deregister", "secret", "never-registered").Is(0, "Success! Deregistered plugin (if it was registered): never-registered\n");
        sandbox.Run("list", "sys/plugins/catalog/secret").Is(0, "Keys\n----\ndatabase\nkv\n");
        sandbox.Run("plugin", "deregister", "secret", "kv").Is(2, "", """
            Error deregistering plugin named kv: Error making API request.

            Request: delete sys/plugins/catalog/secret/kv
            Code: 400. Errors:

            * cannot deregister builtin plugin: kv; builtins are part of the host, register an external plugin named 'kv' to shadow it

            """);
    }

    [TestMethod]
    public void PluginList_Json_HasTheNamesByTypeAndTheDetails()
    {
        using var sandbox = new Sandbox();

        sandbox.Run("plugin", "list", "-format=json", "secret").Is(0, """
            {
              "details": [
                {
                  "type": "secret",
                  "name": "database",
                  "version": "v0.1.0+builtin",
                  "builtin": true,
                  "deprecation_status": "supported"
                },
                {
                  "type": "secret",
                  "name": "kv",
                  "version": "v0.1.0+builtin",
                  "builtin": true,
                  "deprecation_status": "supported"
                }
              ],
              "secret": [
                "database",
                "kv"
              ]
            }

            """);
    }

    [TestMethod]
    public void PluginReload_RestartsTheMountsOfAPlugin()
    {
        using var sandbox = new Sandbox();
        sandbox.EnableMock();
        sandbox.Run("write", "my-secrets-plugin/kv/foo", "value=bar").Is(0, "Key      Value\n---      -----\nvalue    bar\n");

        sandbox.Run("plugin", "reload", "-plugin=my-mock-plugin").Is(0, "Success! Reloaded plugin: my-mock-plugin\n");
        sandbox.Run("plugin", "reload", "-mounts=my-secrets-plugin/").Is(0, "Success! Reloaded mounts: [my-secrets-plugin/]\n");
        sandbox.Run("read", "-field=value", "my-secrets-plugin/kv/foo").Is(0, "bar");
    }

    [TestMethod]
    public void Register_EnvWithLdPreload_IsRefusedNamingTheVariableAndWhy_AndNothingIsStored()
    {
        using var sandbox = new Sandbox();

        sandbox.Run("plugin", "register", $"-sha256={Published.MockSha256}", "-command=my-mock-plugin", "-env=LD_PRELOAD=/tmp/evil.so", "secret", "my-mock-plugin").Is(2, "", """
            Error registering plugin my-mock-plugin: Error making API request.

            Request: write sys/plugins/catalog/secret/my-mock-plugin
            Code: 400. Errors:

            * env variable 'LD_PRELOAD' is not allowed: it makes the dynamic loader run code from outside the plugin binary, which its sha256 does not cover

            """);
        sandbox.Run("plugin", "info", "secret", "my-mock-plugin").Is(2, "", "No value found for plugin \"my-mock-plugin\"\n");
    }
}
