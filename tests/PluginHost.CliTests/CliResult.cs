namespace PluginHost.CliTests;

/// <summary>What one plugin-host run produced: exit code, stdout and stderr.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The config the run opened its host with (in-process runs only).</summary>
    public PluginHost.ConsoleHost.Configuration.HostConfig? Config { get; init; }

    /// <summary>Asserts all three at once, so a failure shows the whole run.</summary>
    public void Is(int exitCode, string stdout, string stderr = "")
    {
        var expected = Describe(exitCode, stdout, stderr);
        var actual = Describe(ExitCode, Stdout, Stderr);
        Assert.AreEqual(expected, actual);
    }

    public override string ToString() => Describe(ExitCode, Stdout, Stderr);

    private static string Describe(int exitCode, string stdout, string stderr) =>
        $"exit {exitCode}\n--- stdout\n{stdout}--- stderr\n{stderr}--- end";
}
