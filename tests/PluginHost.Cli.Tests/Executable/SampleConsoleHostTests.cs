using System.Diagnostics;
using System.Text;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// samples/ConsoleHost, the console host to copy: it registers and mounts the plugin its appsettings.json names,
/// serves its commands through the real mock plugin, and finds the mount again on the next start.
/// </summary>
[TestClass]
public sealed class SampleConsoleHostTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static string Sample => Path.Join(Published.RepositoryRoot, "samples", "ConsoleHost", "bin", Configuration, "net10.0", "ConsoleHost.dll");

    [TestMethod]
    public void TheSample_MountsThePluginFromItsSettings_AndServesItsCommands()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        WriteSettings(sandbox, Published.MockSha256);

        Run(sandbox, "write", "my-secrets-plugin/kv/foo", "value=bar").Is(0, "Success! Data written to: my-secrets-plugin/kv/foo\n");
        Run(sandbox, "read", "my-secrets-plugin/kv/foo").Is(0, "{\"value\":\"bar\"}\n");
        Run(sandbox, "list", "my-secrets-plugin/kv").Is(0, "foo\n");
        Run(sandbox, "mounts").Is(0, "my-secrets-plugin/       Secret   my-mock-plugin\n");
        Run(sandbox, "read", "my-secrets-plugin/kv/nope").Is(2, "No value found at my-secrets-plugin/kv/nope\n");
    }

    [TestMethod]
    public void TheSample_WithTheWrongDigest_SaysWhatIsWrong()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        WriteSettings(sandbox, new string('0', 64));

        var result = Run(sandbox, "write", "my-secrets-plugin/kv/foo", "value=bar");

        Assert.AreEqual(2, result.ExitCode, result.ToString());
        StringAssert.StartsWith(result.Stderr, "Error: ", result.ToString());
        StringAssert.Contains(result.Stderr, "sha256", result.ToString());
    }

    private static void WriteSettings(Sandbox sandbox, string sha256) =>
        File.WriteAllText(Path.Join(sandbox.Root, "appsettings.json"), $$"""
            {
              "PluginHost": { "PluginDirectory": "plugins", "DataDirectory": "data" },
              "Plugins": [ { "Name": "my-mock-plugin", "Type": "Secret", "Command": "my-mock-plugin", "Sha256": "{{sha256}}" } ],
              "Mounts": [ { "Path": "my-secrets-plugin", "Type": "Secret", "Plugin": "my-mock-plugin" } ]
            }
            """);

    private static CliResult Run(Sandbox sandbox, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = sandbox.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Sample);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ConsoleHost {string.Join(' ', args)} did not finish in 60 s");
        }

        return new CliResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}
