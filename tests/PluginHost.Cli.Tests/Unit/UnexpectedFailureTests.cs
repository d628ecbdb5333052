using System.Text.RegularExpressions;

namespace PluginHost.Cli.Tests.Unit;

/// <summary>Issue 14: a failure nobody foresaw ends in one line and exit 1; its stack goes to a private report file.</summary>
[TestClass]
public sealed partial class UnexpectedFailureTests
{
    [TestMethod]
    public async Task AnUnforeseenException_IsOneLineAndExit1_WithItsStackInAPrivateReport()
    {
        var temporary = Directory.CreateTempSubdirectory("plugin-host-failure-").FullName;
        try
        {
            var target = new FakeTarget().On(Operation.Read, "secret/x", _ => throw new InvalidOperationException("boom\nat a second line"));
            var error = new StringWriter();
            var environment = new CliEnvironment
            {
                Out = new StringWriter(),
                Error = error,
                OpenStdin = () => new StringReader(""),
                GetVariable = _ => null,
                CurrentDirectory = temporary,
                HomeDirectory = temporary,
                TemporaryDirectory = temporary,
            };

            var code = await PluginHostCli.RunAsync(["read", "secret/x"], environment, _ => target);

            Assert.AreEqual(1, code);
            var match = ReportLine().Match(error.ToString());
            Assert.IsTrue(match.Success, error.ToString());
            var report = match.Groups["path"].Value;
            Assert.AreEqual(temporary, Path.GetDirectoryName(report));
            StringAssert.Contains(File.ReadAllText(report), "System.InvalidOperationException: boom", "the report has the whole exception");
            StringAssert.Contains(File.ReadAllText(report), "   at ", "and its stack");
            Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(report), "only its owner may read it");
            Assert.IsTrue(target.Disposed, "the host is still closed");
        }
        finally
        {
            Directory.Delete(temporary, recursive: true);
        }
    }

    [GeneratedRegex(@"\AError: unexpected failure \(InvalidOperationException\): boom\nThe details are in (?<path>/\S+\.txt); please include them when you report this\.\n\z")]
    private static partial Regex ReportLine();
}
