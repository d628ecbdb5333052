namespace PluginHost.Cli.Tests.Unit;

/// <summary><c>plugin register</c>'s resource limit flags: sent as the catalog's fields, validated by the host.</summary>
[TestClass]
public sealed class PluginLimitFlagsTests
{
    [TestMethod]
    public void PluginRegister_WithLimits_SendsThemAsCatalogFields()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "plugin", "register", "-sha256=2c07", "-memory-limit=256MiB", "-max-processes=64", "-max-open-files=512", "secret", "my-mock-plugin")
            .Is(0, "Success! Registered plugin: my-mock-plugin\n");
        Assert.AreEqual(
            """{"command":"my-mock-plugin","max_open_files":"512","max_processes":"64","memory_limit":"256MiB","sha256":"2c07"}""",
            target.SentData());
    }

    [TestMethod]
    public void PluginInfo_ShowsTheLimitsOnlyWhenSet()
    {
        var entry = """{"name":"p","command":"p","args":[],"sha256":"2c07","builtin":false,"version":"","memory_limit":268435456,"max_processes":null,"max_open_files":512}""";
        var target = new FakeTarget().OnJson(Operation.Read, "sys/plugins/catalog/secret/p", entry);

        InProcess.Run(target, "plugin", "info", "secret", "p").Is(0, """
            Key               Value
            ---               -----
            args              []
            builtin           false
            command           p
            max_open_files    512
            memory_limit      268435456
            name              p
            sha256            2c07
            version           n/a

            """);
    }
}
