using PluginHost.Cli.Commands;

namespace PluginHost.Cli.Tests.Unit;

/// <summary>Finding the command, help, version and global checks, as Vault's CLI (mitchellh/cli) does them.</summary>
[TestClass]
public sealed class DispatchTests
{
    private const string TopLevelHelp = """
        Usage: plugin-host <command> [args]

        Common commands:
            read        Read data and retrieves secrets
            write       Write data, configuration, and secrets
            delete      Delete secrets and configuration
            list        List data or secrets

        Other commands:
            audit          Interact with audit devices
            auth           Interact with auth methods
            kv             Interact with the key-value secrets engine
            lease          Interact with leases
            login          Authenticate locally
            operator       Perform operator-specific tasks
            path-help      Retrieve API help for paths
            plugin         Interact with plugins and catalog
            policy         Interact with policies
            secrets        Interact with secrets engines
            server         Start a PluginHost server
            status         Print seal and HA status
            token          Interact with tokens
            version        Prints the plugin-host version

        """;

    [TestMethod]
    [DataRow("-h")]
    [DataRow("-help")]
    [DataRow("--help")]
    public void Help_AtTopLevel_PrintsTheCommandListToStderrAndExitsZero(string flag)
    {
        InProcess.Run(new FakeTarget(), flag).Is(0, "", TopLevelHelp);
    }

    [TestMethod]
    public void NoCommand_PrintsTheCommandListAndExits127()
    {
        InProcess.Run(new FakeTarget()).Is(127, "", TopLevelHelp);
        InProcess.Run(new FakeTarget(), "frobnicate").Is(127, "", TopLevelHelp);
    }

    [TestMethod]
    public void Group_WithoutSubcommand_PrintsItsHelpAndExitsOne()
    {
        var result = InProcess.Run(new FakeTarget(), "plugin");

        Assert.AreEqual(1, result.ExitCode);
        Assert.AreEqual("", result.Stdout);
        StringAssert.StartsWith(result.Stderr, "Usage: plugin-host plugin <subcommand> [options] [args]\n");
        StringAssert.EndsWith(result.Stderr, """

            Subcommands:
                deregister    Deregister an existing plugin in the catalog
                info          Read information about a plugin in the catalog
                list          Lists available plugins
                register      Registers a new plugin in the catalog
                reload        Reload mounted plugin backend

            """);
        Assert.AreEqual(result.Stderr, InProcess.Run(new FakeTarget(), "plugin", "frobnicate").Stderr);
    }

    [TestMethod]
    public void OperatorGroup_ListsTheSealsCommands()
    {
        var result = InProcess.Run(new FakeTarget(), "operator");

        Assert.AreEqual((1, ""), (result.ExitCode, result.Stdout));
        StringAssert.StartsWith(result.Stderr, "Usage: plugin-host operator <subcommand> [options] [args]\n");
        StringAssert.EndsWith(result.Stderr, """

            Subcommands:
                init          Initializes a server
                key-status    Provides information about the active encryption key
                migrate       Encrypts a data directory for the static seal
                rotate        Rotates the underlying encryption key
                seal          Seals the server
                unseal        Unseals the server

            """);
    }

    [TestMethod]
    public void Help_OnEveryCommand_PrintsItsUsageAndFlagsAndExitsZero()
    {
        foreach (var name in CommandTable.Names)
        {
            foreach (var flag in (string[])["-h", "-help", "--help"])
            {
                var result = InProcess.Run(new FakeTarget(), [.. name.Split(' '), flag]);

                Assert.AreEqual(0, result.ExitCode, name);
                Assert.AreEqual("", result.Stdout, name);
                StringAssert.StartsWith(result.Stderr, $"Usage: plugin-host {name}", name);
                Assert.IsNull(result.Config, $"{name} {flag} opened the host");
            }
        }
    }

    [TestMethod]
    public void Help_AfterArguments_StillWins()
    {
        var result = InProcess.Run(new FakeTarget(), "write", "kv/foo", "value=bar", "-h");

        Assert.AreEqual(0, result.ExitCode);
        StringAssert.StartsWith(result.Stderr, "Usage: plugin-host write [options] PATH [DATA K=V...]\n");
    }

    [TestMethod]
    public void CommandHelp_HasTheConfigOutputAndCommandSections()
    {
        var help = InProcess.Run(new FakeTarget(), "read", "-h").Stderr;

        StringAssert.Contains(help, "\n\nConfig Options:\n\n  -config=<string>\n");
        StringAssert.Contains(help, "\n\nOutput Options:\n\n  -field=<string>\n");
        StringAssert.Contains(help, "\n  -format=<string>\n      Print the output in the given format. Valid formats are \"table\" or\n");
    }

    [TestMethod]
    public void FlagsBeforeTheCommand_AreRefusedWithTheCommandsHelp()
    {
        var result = InProcess.Run(new FakeTarget(), "-config=x", "secrets", "list");

        Assert.AreEqual(1, result.ExitCode);
        StringAssert.StartsWith(result.Stderr, "Invalid flags before the subcommand. If these flags are for\nthe subcommand, please put them after the subcommand.\n\nUsage: plugin-host secrets list [options]\n");
    }

    [TestMethod]
    public void UnknownFlag_IsAUsageError()
    {
        var result = InProcess.Run(new FakeTarget(), "secrets", "list", "-verbose");

        result.Is(1, "", "flag provided but not defined: -verbose\n");
        Assert.IsNull(result.Config);
    }

    [TestMethod]
    public void UnknownFormat_IsRefusedBeforeTheCommandRuns()
    {
        InProcess.Run(new FakeTarget(), "read", "-format=yaml", "kv/foo").Is(1, "", "Invalid output format: yaml\n");
        InProcess.RunWithVariables(new FakeTarget(), new Dictionary<string, string> { ["PLUGIN_HOST_FORMAT"] = "xml" }, "list", "kv").Is(1, "", "Invalid output format: xml\n");
    }

    [TestMethod]
    public void FormatFromTheEnvironment_AppliesWhenNoFlagIsGiven()
    {
        var target = new FakeTarget().OnJson(Operation.List, "kv/", """{"keys":["a"]}""");

        InProcess.RunWithVariables(target, new Dictionary<string, string> { ["PLUGIN_HOST_FORMAT"] = "JSON" }, "list", "kv").Is(0, "[\n  \"a\"\n]\n");
    }

    [TestMethod]
    [DataRow("version")]
    [DataRow("-v")]
    [DataRow("-version")]
    [DataRow("--version")]
    public void Version_PrintsTheVersionWithoutOpeningTheHost(string arg)
    {
        var result = InProcess.Run(new FakeTarget(), arg);

        Assert.AreEqual(0, result.ExitCode);
        StringAssert.Matches(result.Stdout, new System.Text.RegularExpressions.Regex(@"^plugin-host v\d+\.\d+\.\d+\S*( \([0-9a-f]+\))?\n$"));
        Assert.IsNull(result.Config);
    }

    [TestMethod]
    public void Version_IgnoresArgumentsAndFlags()
    {
        Assert.AreEqual(0, InProcess.Run(new FakeTarget(), "version", "-nope", "extra").ExitCode);
    }
}
