using System.Text.RegularExpressions;

namespace PluginHost.Cli.Tests;

/// <summary>What one plugin-host run produced: exit code, stdout and stderr.</summary>
internal sealed partial record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The config the run opened its host with (in-process runs only).</summary>
    public PluginHost.Cli.Configuration.HostConfig? Config { get; init; }

    /// <summary>Asserts all three at once, so a failure shows the whole run.</summary>
    public void Is(int exitCode, string stdout, string stderr = "")
    {
        var expected = Describe(exitCode, stdout, stderr);
        var actual = Describe(ExitCode, Stdout, KnownSlowExit().Replace(Stderr, ""));
        Assert.AreEqual(expected, actual);
    }

    // Known issue, not yet understood: under full CPU load about one plugin stop in a few dozen is reported as not
    // exiting within the 5 s shutdown grace period (then killed). The command's own output and exit code are right,
    // so its runs are still compared exactly apart from this one line; the integration tests keep asserting that a
    // plugin exits by itself.
    [GeneratedRegex(@"^\[WARN\]  Plugin [^ ]+ \(pid \d+\) did not exit within \d+s of shutdown; killed its process tree\n", RegexOptions.Multiline)]
    private static partial Regex KnownSlowExit();

    public override string ToString() => Describe(ExitCode, Stdout, Stderr);

    private static string Describe(int exitCode, string stdout, string stderr) =>
        $"exit {exitCode}\n--- stdout\n{stdout}--- stderr\n{stderr}--- end";
}
