namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// Issue 14: invocations that used to crash the real binary with an unhandled exception (exit 134, a stack trace with
/// source paths) end with exit 1 or 2 and one line naming what was wrong; a mistyped dev listen address is refused
/// before anything listens.
/// </summary>
[TestClass]
public sealed class BadInvocationTests
{
    [TestMethod]
    [DataRow("data_directory = \"a-file\"", "Error listing secrets engines: the data directory <root>/a-file is a file; give a directory, or a path where one can be created\n")]
    [DataRow("data_directory = \"/proc/plugin-host-data\"", "Error listing secrets engines: the data directory /proc/plugin-host-data cannot be created: Could not find file '/proc/plugin-host-data'.\n")]
    [DataRow("data_directory = \"/sys/plugin-host-data\"", "Error listing secrets engines: the data directory /sys/plugin-host-data cannot be created: Access to the path '/sys/plugin-host-data' is denied.\n")]
    public void AnUnusableDataDirectory_IsNamed_NotAStackTrace(string dataDirectory, string expected)
    {
        using var sandbox = new Sandbox(writeConfig: false);
        File.WriteAllText(Path.Join(sandbox.Root, "a-file"), "");
        sandbox.WriteConfig($"plugin_directory = \"plugins\"\n{dataDirectory}\n");

        sandbox.Normalized(sandbox.Run("secrets", "list")).Is(2, "", expected);
    }

    [TestMethod]
    public void ADefaultDataDirectoryUnderProc_IsNamed_NotAStackTrace()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.WriteConfig("plugin_directory = \"plugins\"\n");
        sandbox.Environment["XDG_DATA_HOME"] = "/proc/x";
        sandbox.Environment["HOME"] = "/nonexistent";

        sandbox.Run("secrets", "list").Is(2, "", "Error listing secrets engines: the data directory /proc/x/plugin-host cannot be created: Could not find file '/proc/x'.\n");
    }

    [TestMethod]
    [DataRow("-dev-listen-address=garbage", "Error: -dev-listen-address \"garbage\" is not host:port, such as \"127.0.0.1:8200\"\n")]
    [DataRow("-dev-listen-address=[::1", "Error: -dev-listen-address \"[::1\" is not host:port, such as \"127.0.0.1:8200\"\n")]
    [DataRow("-dev-listen-address=garbage:80", "Error: -dev-listen-address \"garbage:80\": the host must be an IP address (IPv6 in brackets, such as [::1]) or localhost, not \"garbage\"\n")]
    [DataRow("-dev-listen-address=127.0.0.1:99999", "Error: -dev-listen-address \"127.0.0.1:99999\" has no port from 0 to 65535 after its last ':'\n")]
    [DataRow("-dev-listen-address=:-1", "Error: -dev-listen-address \":-1\" is not host:port, such as \"127.0.0.1:8200\"\n")]
    [DataRow("-dev-listen-address=", "Error: -dev-listen-address \"\" is not host:port, such as \"127.0.0.1:8200\"\n")]
    public void AMistypedDevListenAddress_IsRefusedBeforeAnythingListens(string flag, string expected)
    {
        using var sandbox = new Sandbox(writeConfig: false);

        sandbox.Run("server", "-dev", flag).Is(1, "", expected);
    }

    [TestMethod]
    public void AMistypedDevListenAddressInTheEnvironment_IsRefusedNamingTheVariable()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.Environment["VAULT_DEV_LISTEN_ADDRESS"] = "garbage";

        sandbox.Run("server", "-dev").Is(1, "", "Error: VAULT_DEV_LISTEN_ADDRESS \"garbage\" is not host:port, such as \"127.0.0.1:8200\"\n");
    }

    [TestMethod]
    public void AnAddressNotOnThisMachine_IsOneLine()
    {
        using var sandbox = new Sandbox(writeConfig: false);

        // 192.0.2.0/24 is TEST-NET-1: never assigned to a real interface.
        var result = sandbox.Run("server", "-dev", "-dev-listen-address=192.0.2.1:8200");

        Assert.AreEqual(1, result.ExitCode, result.ToString());
        Assert.EndsWith("Error initializing the server: cannot listen on 192.0.2.1:8200: Cannot assign requested address\n", result.Stderr, result.ToString());
        AssertNoStackTrace(result);
    }

    [TestMethod]
    public async Task AnAddressInUse_IsOneLine_WithoutKestrelsStackTrace()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        using var first = ServerProcess.StartDev(sandbox);
        var address = new Uri(await first.AddressAsync()).Authority;

        var result = sandbox.Run("server", "-dev", $"-dev-listen-address={address}");

        Assert.AreEqual(1, result.ExitCode, result.ToString());
        Assert.EndsWith($"Error initializing the server: Failed to bind to address http://{address}: address already in use.\n", result.Stderr, result.ToString());
        AssertNoStackTrace(result);
    }

    [TestMethod]
    public async Task ASecondServerOnALockedDataDirectory_IsOneLine()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.WriteConfig("plugin_directory = \"plugins\"\ndata_directory = \"data\"\nlistener \"tcp\" { address = \"127.0.0.1:0\" }\n");
        sandbox.WriteConfig("plugin_directory = \"plugins\"\ndata_directory = \"data\"\nlock_timeout = \"0s\"\nlistener \"tcp\" { address = \"127.0.0.1:0\" }\n", "second.hcl");
        using var first = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
        await first.AddressAsync();

        var result = sandbox.Normalized(sandbox.Run("server", "-config=second.hcl"));

        Assert.AreEqual(1, result.ExitCode, result.ToString());
        Assert.AreEqual(
            $"Error initializing the server: data directory '<root>/data' is in use by another process (pid {first.Process.Id}); stop the other host or use another data directory\n",
            result.Stderr);
    }

    [TestMethod]
    public void APluginDirectoryThatIsAFile_IsSaidToBeAFile()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        File.WriteAllText(Path.Join(sandbox.Root, "a-file"), "");
        sandbox.WriteConfig("plugin_directory = \"a-file\"\ndata_directory = \"data\"\nlistener \"tcp\" { address = \"127.0.0.1:0\" }\n");

        sandbox.Normalized(sandbox.Run("server")).Is(1, "", "Error: the plugin directory <root>/a-file is a file, not a directory (set plugin_directory in <root>/plugin-host.hcl)\n");
    }

    [TestMethod]
    public void ATokenWithANewline_IsRefusedNamingTheVariable()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.Environment["PLUGIN_HOST_ADDR"] = "http://127.0.0.1:1";
        sandbox.Environment["PLUGIN_HOST_TOKEN"] = "hvs.abc\nhvs.def";

        sandbox.Run("secrets", "list").Is(2, "", "Error listing secrets engines: PLUGIN_HOST_TOKEN holds a token with a control character (such as a line break); set it to the token alone\n");
    }

    [TestMethod]
    [DataRow("config", "log_level = \"{0}\"\n")]
    [DataRow("config", "{0} = \"1\"\n")]
    [DataRow("flag", "-{0}")]
    [DataRow("format", "-format={0}")]
    [DataRow("pair", "{0}")]
    public void AHugeValue_IsEchoedShort(string where, string template)
    {
        using var sandbox = new Sandbox(writeConfig: false);
        // 100,000: the kernel's limit on one argument is 128 KiB.
        var value = new string('x', 100_000);
        var input = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, value);
        CliResult result;
        if (where == "config")
        {
            sandbox.WriteConfig(input);
            result = sandbox.Run("secrets", "list");
        }
        else
        {
            result = where == "pair" ? sandbox.Run("write", "sys/x", input) : sandbox.Run("secrets", "list", input);
        }

        Assert.AreEqual(1, result.ExitCode, result.Stderr[..Math.Min(300, result.Stderr.Length)]);
        Assert.IsLessThan(1000, result.Stderr.Length, result.Stderr[..Math.Min(300, result.Stderr.Length)]);
        StringAssert.Contains(result.Stderr, "… (99800 more characters)");
    }

    [TestMethod]
    [DataRow(1, "Error loading configuration from /dev/zero: more than 1048576 characters; nothing that large can be used here\n", "secrets", "list", "-config=/dev/zero")]
    [DataRow(2, "Error opening policy file: open /dev/zero: more than 33554432 characters; nothing that large can be used here\n", "policy", "write", "p", "/dev/zero")]
    [DataRow(1, "Error reading source file: open /dev/zero: more than 33554432 characters; nothing that large can be used here\n", "policy", "fmt", "/dev/zero")]
    [DataRow(1, "Failed to parse K=V data: invalid key/value pair \"a=@/dev/zero\": error reading file: more than 33554432 characters; nothing that large can be used here\n", "write", "sys/x", "a=@/dev/zero")]
    [DataRow(1, "Failed to parse K=V data: invalid key/value pair \"@/dev/zero\": more than 33554432 characters; nothing that large can be used here\n", "write", "sys/x", "@/dev/zero")]
    public void AnEndlessFile_IsReadOnlyUpToALimit(int exitCode, string expected, params string[] args)
    {
        using var sandbox = new Sandbox();

        sandbox.Run(args).Is(exitCode, "", expected);
    }

    private static void AssertNoStackTrace(CliResult result)
    {
        // Both streams: the server's log lines (where Kestrel's trace appeared) go to stdout.
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, result.ToString());
        Assert.DoesNotContain("Unhandled exception", result.Stdout + result.Stderr, result.ToString());
    }
}
