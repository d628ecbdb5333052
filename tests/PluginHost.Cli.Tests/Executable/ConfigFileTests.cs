namespace PluginHost.Cli.Tests.Executable;

/// <summary>Finding and reading the config file, through real plugin-host runs.</summary>
[TestClass]
public sealed class ConfigFileTests
{
    [TestMethod]
    public void MalformedConfig_NamesTheFileAndLine()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.WriteConfig("# settings\nplugin_directory = \"plugins\"\nplugin_dir = \"oops\"\n");

        sandbox.Normalized(sandbox.Run("secrets", "list")).Is(
            1,
            "",
            "Error loading configuration from <root>/plugin-host.hcl: line 3: unknown key \"plugin_dir\"; the keys are plugin_directory, data_directory, log_level, log_format, lock_timeout, address, api_addr, disable_request_forwarding, listener \"tcp\" { address, tls_disable, tls_cert_file, tls_key_file, tls_min_version, tls_client_ca_file, tls_require_and_verify_client_cert, max_request_size, max_request_duration, max_connections, max_buffered_request_size }, seal \"static\" { key_file }, storage \"file\" { path }, and storage \"postgresql\" { connection_url, table, ha_enabled, ha_table, max_parallel }\n");
    }

    [TestMethod]
    public void AStaticSeal_KeepsTheDataDirectoryEncrypted_AndAnotherKeyCannotOpenIt()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        File.WriteAllText(Path.Join(sandbox.Root, "unseal.key"), new string('7', 64));
        File.SetUnixFileMode(Path.Join(sandbox.Root, "unseal.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        sandbox.WriteConfig("data_directory = \"data\"\nseal \"static\" {\n  key_file = \"unseal.key\"\n}\n");

        sandbox.Run("secrets", "enable", "-path=secret", "kv").Is(0, "Success! Enabled the kv secrets engine at: secret/\n");
        sandbox.Run("write", "secret/db", "password=correct-horse-battery-staple").Is(0, "Success! Data written to: secret/db\n");
        sandbox.Run("read", "-field=password", "secret/db").Is(0, "correct-horse-battery-staple");
        foreach (var file in Directory.GetFiles(Path.Join(sandbox.Root, "data"), "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')))
        {
            Assert.IsLessThan(0, File.ReadAllBytes(file).AsSpan().IndexOf("correct-horse"u8), $"{file} holds the secret");
        }

        File.WriteAllText(Path.Join(sandbox.Root, "unseal.key"), new string('8', 64));
        var refused = sandbox.Run("read", "secret/db");
        Assert.AreEqual(2, refused.ExitCode, refused.Stderr);
        StringAssert.Contains(refused.Stderr, "unseal failed, invalid key");
    }

    [TestMethod]
    public void MalformedConfig_DoesNotStopHelpOrVersion()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.WriteConfig("this is not a config\n");

        Assert.AreEqual(0, sandbox.Run("secrets", "list", "-h").ExitCode);
        Assert.AreEqual(0, sandbox.Run("version").ExitCode);
        sandbox.Normalized(sandbox.Run("read", "kv/x")).Is(
            1,
            "",
            "Error loading configuration from <root>/plugin-host.hcl: line 1: expected key = \"value\", found: this is not a config\n");
    }

    [TestMethod]
    public void ConfigFlagAndEnvironment_NameOtherFiles_AndJsonWorks()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.WriteConfig("""{ "data_directory": "data-from-flag" }""", "flag.json");
        sandbox.WriteConfig("data_directory = \"data-from-env\"\n", "env.hcl");

        sandbox.Run("secrets", "enable", "-config=flag.json", "kv").Is(0, "Success! Enabled the kv secrets engine at: kv/\n");
        Assert.IsTrue(Directory.Exists(Path.Join(sandbox.Root, "data-from-flag")));

        sandbox.Environment["PLUGIN_HOST_CONFIG"] = "env.hcl";
        sandbox.Run("secrets", "enable", "kv").Is(0, "Success! Enabled the kv secrets engine at: kv/\n");
        Assert.IsTrue(Directory.Exists(Path.Join(sandbox.Root, "data-from-env")));

        sandbox.Normalized(sandbox.Run("secrets", "list", "-config=missing.hcl")).Is(1, "", "Error loading configuration from <root>/missing.hcl: no such file\n");
    }

    [TestMethod]
    public void DataDirectory_DefaultsToXdgDataHome()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.Environment["XDG_DATA_HOME"] = Path.Join(sandbox.Root, "xdg");

        sandbox.Run("secrets", "enable", "kv").Is(0, "Success! Enabled the kv secrets engine at: kv/\n");

        Assert.IsTrue(File.Exists(Path.Join(sandbox.Root, "xdg", "plugin-host", ".lock")));
    }
}
