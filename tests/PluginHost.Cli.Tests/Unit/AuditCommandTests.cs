namespace PluginHost.Cli.Tests.Unit;

/// <summary><c>audit enable|disable|list</c>: Vault's requests to <c>sys/audit</c>, Vault's tables and texts.</summary>
[TestClass]
public sealed class AuditCommandTests
{
    private const string Devices = """
        {
          "file/": {"type":"file","description":"","options":{"file_path":"/var/log/audit.log"},"local":false,"path":"file/"},
          "local-copy/": {"type":"file","description":"kept here","options":{"file_path":"stdout","log_raw":"true"},"local":true,"path":"local-copy/"}
        }
        """;

    [TestMethod]
    public void Enable_SendsTypeDescriptionOptionsAndLocal_ToThePath()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "audit", "enable", "file", "file_path=/var/log/audit.log", "mode=0600").Is(0, "Success! Enabled the file audit device at: file/\n");
        InProcess.Run(target, "audit", "enable", "-path=/second", "-description=copy", "-local", "file", "file_path=stdout").Is(0, "Success! Enabled the file audit device at: /second/\n");

        Assert.AreEqual("sys/audit/file", target.Requests[0].Path);
        Assert.AreEqual(Operation.Update, target.Requests[0].Operation);
        Assert.AreEqual("""{"description":"","local":false,"options":{"file_path":"/var/log/audit.log","mode":"0600"},"type":"file"}""", target.SentData(0));
        Assert.AreEqual("sys/audit/second", target.Requests[1].Path);
        Assert.AreEqual("""{"description":"copy","local":true,"options":{"file_path":"stdout"},"type":"file"}""", target.SentData(1));
    }

    [TestMethod]
    public void Enable_WithoutType_OrWithABadPair_IsAUsageError()
    {
        InProcess.Run(new FakeTarget(), "audit", "enable").Is(1, "", "Missing TYPE!\n");
        InProcess.Run(new FakeTarget(), "audit", "enable", "file", "file_path").Is(1, "", "Failed to parse K=V data: invalid key/value pair \"file_path\": format must be key=value\n");
    }

    [TestMethod]
    public void Enable_Refused_IsVaultsError()
    {
        var target = new FakeTarget().Fail(Operation.Update, "sys/audit/syslog", ErrorCode.BadRequest, "unknown backend type: \"syslog\"");

        InProcess.Run(target, "audit", "enable", "syslog").Is(2, "", """
            Error enabling audit device: Error making API request.

            Request: write sys/audit/syslog
            Code: 400. Errors:

            * unknown backend type: "syslog"

            """);
    }

    [TestMethod]
    public void Disable_DeletesThePath()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "audit", "disable", "file").Is(0, "Success! Disabled audit device (if it was enabled) at: file/\n");
        Assert.AreEqual(Operation.Delete, target.Requests[0].Operation);
        Assert.AreEqual("sys/audit/file", target.Requests[0].Path);
        InProcess.Run(target, "audit", "disable").Is(1, "", "Not enough arguments (expected 1, got 0)\n");
    }

    [TestMethod]
    public void List_PrintsVaultsTables()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/audit", Devices);

        InProcess.Run(target, "audit", "list").Is(0, """
            Path           Type    Description
            ----           ----    -----------
            file/          file    n/a
            local-copy/    file    kept here

            """);
        InProcess.Run(target, "audit", "list", "-detailed").Is(0, """
            Path           Type    Description    Replication    Options
            ----           ----    -----------    -----------    -------
            file/          file    n/a            replicated     file_path=/var/log/audit.log
            local-copy/    file    kept here      local          file_path=stdout log_raw=true

            """);
    }

    [TestMethod]
    public void List_Json_IsVaultsAuditMap()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/audit", Devices);

        var result = InProcess.Run(target, "audit", "list", "-format=json");

        Assert.AreEqual(0, result.ExitCode);
        StringAssert.StartsWith(result.Stdout, """
            {
              "file/": {
                "type": "file",
                "description": "",
                "options": {
                  "file_path": "/var/log/audit.log"
                },
                "local": false,
                "path": "file/"
              },
            """);
    }

    [TestMethod]
    public void List_None_SaysSoAndExitsTwo_AsVaultDoes()
    {
        var target = new FakeTarget().On(Operation.Read, "sys/audit", (BackendResponse?)null);

        InProcess.Run(target, "audit", "list").Is(2, "No audit devices are enabled.\n");
        InProcess.Run(target, "audit", "list", "-format=json").Is(0, "{}\n");
    }
}
