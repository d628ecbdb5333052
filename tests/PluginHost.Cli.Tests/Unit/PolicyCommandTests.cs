namespace PluginHost.Cli.Tests.Unit;

/// <summary><c>policy list|read|write|delete|fmt</c>: Vault's requests to <c>sys/policies/acl</c> and Vault's texts.</summary>
[TestClass]
public sealed class PolicyCommandTests
{
    private const string Rules = "path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n";

    [TestMethod]
    public void List_PrintsOneNameALine_OrTheJsonArray()
    {
        var target = new FakeTarget().OnJson(Operation.List, "sys/policies/acl", """{"keys":["default","dev","root"]}""");

        InProcess.Run(target, "policy", "list").Is(0, "default\ndev\nroot\n");
        InProcess.Run(target, "policy", "list", "-format=json").Is(0, "[\n  \"default\",\n  \"dev\",\n  \"root\"\n]\n");
        InProcess.Run(target, "policy", "list", "extra").Is(1, "", "Too many arguments (expected 0, got 1)\n");
    }

    [TestMethod]
    public void Read_PrintsTheRulesTrimmed_OrThePolicyInJson()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "sys/policies/acl/dev", $$"""{"name":"dev","policy":{{System.Text.Json.JsonSerializer.Serialize(Rules)}}}""");

        InProcess.Run(target, "policy", "read", " DEV ").Is(0, Rules);
        InProcess.Run(target, "policy", "read", "-format=json", "dev").Is(0, "{\n  \"policy\": \"path \\\"secret/*\\\" {\\n  capabilities = [\\\"read\\\"]\\n}\\n\"\n}\n");
    }

    [TestMethod]
    public void Read_UnknownPolicy_SaysSoAndExitsTwo()
    {
        InProcess.Run(new FakeTarget(), "policy", "read", "nope").Is(2, "", "No policy named: nope\n");
    }

    [TestMethod]
    public void Write_FromAFile_SendsItsTextUnderTheLowerCaseName()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, Rules);
        var target = new FakeTarget();

        InProcess.Run(target, "policy", "write", "Dev", file).Is(0, "Success! Uploaded policy: dev\n");
        File.Delete(file);

        Assert.AreEqual(Operation.Update, target.Requests[0].Operation);
        Assert.AreEqual("sys/policies/acl/dev", target.Requests[0].Path);
        Assert.AreEqual($$"""{"policy":{{System.Text.Json.JsonSerializer.Serialize(Rules)}}}""", target.SentData());
    }

    [TestMethod]
    public void Write_Dash_ReadsStdin()
    {
        var target = new FakeTarget();

        InProcess.RunWithStdin(target, Rules, "policy", "write", "dev", "-").Is(0, "Success! Uploaded policy: dev\n");
        Assert.AreEqual($$"""{"policy":{{System.Text.Json.JsonSerializer.Serialize(Rules)}}}""", target.SentData());
    }

    [TestMethod]
    public void Write_MissingFile_IsVaultsOpenError()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "policy", "write", "dev", "nope.hcl").Is(2, "", "Error opening policy file: open nope.hcl: no such file or directory\n");
        Assert.IsEmpty(target.Requests);
    }

    [TestMethod]
    public void Write_RootRefused_PrintsVaultsError()
    {
        var target = new FakeTarget().Fail(Operation.Update, "sys/policies/acl/root", ErrorCode.BadRequest, "cannot update \"root\" policy");

        InProcess.RunWithStdin(target, Rules, "policy", "write", "root", "-").Is(2, "", """
            Error uploading policy: Error making API request.

            Request: write sys/policies/acl/root
            Code: 400. Errors:

            * cannot update "root" policy

            """);
    }

    [TestMethod]
    public void Delete_SaysDeleted_AndTheDefaultPolicyIsRefused()
    {
        var target = new FakeTarget().Fail(Operation.Delete, "sys/policies/acl/default", ErrorCode.BadRequest, "cannot delete \"default\" policy");

        InProcess.Run(target, "policy", "delete", "dev").Is(0, "Success! Deleted policy: dev\n");
        Assert.AreEqual("sys/policies/acl/dev", target.Requests[0].Path);
        InProcess.Run(target, "policy", "delete", "default").Is(2, "", """
            Error deleting default: Error making API request.

            Request: delete sys/policies/acl/default
            Code: 400. Errors:

            * cannot delete "default" policy

            """);
    }

    [TestMethod]
    public void Fmt_RewritesTheFile_WithoutOpeningTheHost()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "path \"a\" {capabilities=[\"read\"]} # keep me\n");
        var target = new FakeTarget();

        var result = InProcess.Run(target, "policy", "fmt", file);

        result.Is(0, $"Success! Formatted policy: {file}\n");
        Assert.AreEqual("path \"a\" {\n  capabilities = [\"read\"]\n} # keep me\n", File.ReadAllText(file));
        Assert.IsNull(result.Config);
        File.Delete(file);
    }

    [TestMethod]
    public void Fmt_InvalidPolicy_PrintsTheParsersErrorAndLeavesTheFile()
    {
        var file = Path.GetTempFileName();
        const string Bad = "path \"/\" { capabilities = [\"banana\"] }\n";
        File.WriteAllText(file, Bad);

        InProcess.Run(new FakeTarget(), "policy", "fmt", file).Is(1, "", "failed to parse policy: path \"/\": invalid capability \"banana\"\n");
        Assert.AreEqual(Bad, File.ReadAllText(file));
        File.Delete(file);
    }

    [TestMethod]
    public void Fmt_MissingFile_IsVaultsReadError()
    {
        InProcess.Run(new FakeTarget(), "policy", "fmt", "nope.hcl").Is(1, "", "Error reading source file: open nope.hcl: no such file or directory\n");
    }
}
