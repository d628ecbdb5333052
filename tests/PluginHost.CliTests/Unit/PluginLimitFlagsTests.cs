namespace PluginHost.CliTests.Unit;

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
}
