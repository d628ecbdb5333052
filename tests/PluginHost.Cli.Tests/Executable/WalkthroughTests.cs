using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>README's first command, <c>bash samples/walkthrough.sh</c>, prints the guide line for line.</summary>
[TestClass]
public sealed partial class WalkthroughTests
{
    private const string Guide = """
        $ cat plugin-host.hcl
        plugin_directory = "<work>/plugins"
        data_directory   = "<work>/data"

        $ dotnet publish samples/MockPlugin -c Release -o <work>/plugins   # single file: my-mock-plugin
        $ sha256sum <work>/plugins/my-mock-plugin
        <sha256>  <work>/plugins/my-mock-plugin

        $ plugin-host write sys/plugins/catalog/secret/my-mock-plugin sha256=<sha256> command=my-mock-plugin
        Success! Data written to: sys/plugins/catalog/secret/my-mock-plugin

        $ plugin-host secrets enable -path=my-secrets-plugin my-mock-plugin
        Success! Enabled the my-mock-plugin plugin at: my-secrets-plugin/

        $ plugin-host auth enable -path=my-auth-plugin my-mock-plugin
        Error enabling my-mock-plugin auth: Error making API request.

        Request: write sys/auth/my-auth-plugin
        Code: 400. Errors:

        * cannot mount 'my-mock-plugin' of type 'secret' as an auth method

        $ plugin-host write my-secrets-plugin/kv/foo value=bar
        Key      Value
        ---      -----
        value    bar

        $ plugin-host secrets disable my-secrets-plugin
        Success! Disabled the secrets engine (if it existed) at: my-secrets-plugin/

        """;

    [TestMethod]
    public async Task Walkthrough_PrintsTheGuideAndCleansUp()
    {
        // The script publishes too: not at the same time as the other test projects' publishes.
        using var publishing = await global::PluginHost.Tests.Shared.PublishLock.AcquireAsync(Published.RepositoryRoot);
        var temp = Directory.CreateTempSubdirectory("plugin-host-walkthrough-test-").FullName;
        try
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(Published.RepositoryRoot, "samples", "walkthrough.sh"));
            start.Environment["TMPDIR"] = temp;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();

            var stdout = Normalize(await output);
            Assert.AreEqual(0, process.ExitCode, $"{stdout}\n{await error}");
            Assert.AreEqual(Guide, stdout);
            Assert.AreEqual("Building plugin-host into <work>/bin ...\n", Normalize(await error));
            Assert.AreEqual(0, Directory.GetDirectories(temp, "plugin-host-walkthrough.*").Length, "the walkthrough removes its directory");
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static string Normalize(string text) => Sha256().Replace(WorkDirectory().Replace(text, "<work>"), "<sha256>");

    [GeneratedRegex(@"/\S*/plugin-host-walkthrough\.[A-Za-z0-9]+")]
    private static partial Regex WorkDirectory();

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex Sha256();
}
