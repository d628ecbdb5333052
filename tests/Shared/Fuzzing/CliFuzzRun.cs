using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PluginHost.Tests.Shared.Fuzzing;

/// <summary>How a CLI fuzz pass runs.</summary>
/// <param name="Seed">The generator's seed.</param>
/// <param name="Invocations">How many, numbered from <paramref name="FirstIndex"/>.</param>
/// <param name="FirstIndex">The first invocation's number (to replay part of a run).</param>
internal sealed record CliFuzzOptions(int Seed, int Invocations, int FirstIndex = 0)
{
    /// <summary>How long one invocation may run (a server: until it listens, and again after SIGTERM).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public Action<string>? Progress { get; init; }

    /// <summary>Called with every invocation, its exit code (null: none) and its output (a per-invocation log).</summary>
    public Action<CliFuzzCase, int?, string>? Trace { get; init; }
}

/// <summary>An invocation that broke the oracle (or failed in a way nobody foresaw), with what reproduces it.</summary>
/// <param name="Index">Its number: with the seed, the same invocation again.</param>
/// <param name="Kind">What was wrong: <c>exit 134</c>, <c>stack trace</c>, <c>Unhandled exception</c>, <c>timeout</c>, …</param>
/// <param name="Summary">The generator's choices.</param>
/// <param name="Invocation">The command line, files and stdin, escaped and cut.</param>
/// <param name="Output">Its exit code and the start of its stderr and stdout.</param>
internal sealed record CliFuzzFinding(int Index, string Kind, string Summary, string Invocation, string Output)
{
    public override string ToString() => $"#{Index} {Kind}: {Summary}\n  $ {Invocation}\n  {Output}\n";
}

/// <summary>What a CLI fuzz pass found.</summary>
internal sealed class CliFuzzResult
{
    public SortedDictionary<int, int> ExitCodes { get; } = [];

    /// <summary>Invocations that exited outside 0, 1, 2 and 127, printed a stack trace or "Unhandled exception", or hung.</summary>
    public List<CliFuzzFinding> Findings { get; } = [];

    /// <summary>Invocations that ended in plugin-host's last-resort line, <c>Error: unexpected failure (…)</c> (exit 1: within the oracle, but a bug).</summary>
    public List<CliFuzzFinding> Unforeseen { get; } = [];

    public int Invocations { get; set; }

    /// <summary>How many <c>server</c> invocations started listening (and were stopped with SIGTERM).</summary>
    public int ServersStarted { get; set; }

    public TimeSpan Elapsed { get; set; }

    public string Histogram() => string.Join(' ', ExitCodes.Select(s => string.Create(CultureInfo.InvariantCulture, $"exit {s.Key}×{s.Value}")));
}

/// <summary>
/// Runs generated plugin-host invocations in one sandbox (a plugin directory with the mock and userpass plugins, a
/// data directory with them mounted, the fixture files) and checks each against the oracle: an exit code of 0, 1, 2
/// or 127, no <c>Unhandled exception</c> and no stack frame in stdout or stderr, done within the timeout; a server
/// that starts must exit 0 on SIGTERM.
/// </summary>
internal static partial class CliFuzzRun
{
    private const string BaseConfig = "plugin_directory = \"plugins\"\ndata_directory   = \"data\"\n";
    private const string AddressLine = "$ export PLUGIN_HOST_ADDR='";
    private static readonly int[] AllowedExitCodes = [0, 1, 2, 127];

    public static async Task<CliFuzzResult> RunAsync(FuzzBinaries binaries, CliFuzzTarget target, CliFuzzOptions options, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("plugin-host-clifuzz-").FullName;
        try
        {
            await SetUpAsync(binaries, root, target, cancellationToken);
            var generator = new CliFuzzGenerator(options.Seed, target);
            var result = new CliFuzzResult();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < options.Invocations; i++)
            {
                var invocation = generator.Generate(options.FirstIndex + i);
                await RunOneAsync(binaries, root, target, invocation, options, result, cancellationToken);
                result.Invocations++;
                if ((i + 1) % 50 == 0 || i == options.Invocations - 1)
                {
                    options.Progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"  {i + 1,5}/{options.Invocations} invocations, {Stopwatch.GetElapsedTime(started).TotalSeconds,4:0}s: {result.Histogram()}, {result.Findings.Count} bad"));
                }
            }

            result.Elapsed = Stopwatch.GetElapsedTime(started);
            return result;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Under the temporary directory.
            }
        }
    }

    /// <summary>What the oracle says of one run's exit code and output; null when it holds.</summary>
    public static string? Violation(int exitCode, string output)
    {
        if (!AllowedExitCodes.Contains(exitCode))
        {
            return $"exit {exitCode.ToString(CultureInfo.InvariantCulture)}";
        }

        if (output.Contains("Unhandled exception", StringComparison.Ordinal))
        {
            return "Unhandled exception";
        }

        return StackFrame().IsMatch(output) ? "stack trace" : null;
    }

    // The sandbox: plugins (0700) with both plugins, the fixture files, and a data directory where the mock plugin,
    // the builtin kv and the userpass plugin are mounted, so commands have something real to act on.
    private static async Task SetUpAsync(FuzzBinaries binaries, string root, CliFuzzTarget target, CancellationToken cancellationToken)
    {
        var plugins = Path.Join(root, "plugins");
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the fuzz harness runs plugin-host as Linux does (file modes, /proc)");
        }

        Directory.CreateDirectory(plugins, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Copy(binaries.MockPlugin, Path.Join(plugins, "my-mock-plugin"));
        File.Copy(binaries.UserpassPlugin, Path.Join(plugins, "my-userpass-plugin"));
        var userpassSha256 = FuzzServer.Sha256Of(binaries.UserpassPlugin);
        ResetFiles(root, new Dictionary<string, byte[]>(StringComparer.Ordinal));
        string[][] steps =
        [
            ["write", "sys/plugins/catalog/secret/my-mock-plugin", $"sha256={target.MockSha256}", "command=my-mock-plugin"],
            ["secrets", "enable", "-path=my-secrets-plugin", "my-mock-plugin"],
            ["secrets", "enable", "-path=secret", "kv"],
            ["write", "secret/k1", "value=bar"],
            ["plugin", "register", $"-sha256={userpassSha256}", "auth", "my-userpass-plugin"],
            ["auth", "enable", "-path=userpass", "my-userpass-plugin"],
            ["write", "auth/userpass/users/fuzzer", "password=fuzz-password", "token_policies=default"],
        ];
        foreach (var step in steps)
        {
            var start = FuzzServer.CleanStart(binaries.PluginHost, root, step, new Dictionary<string, string> { ["TMPDIR"] = Path.Join(root, "tmp") });
            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"setting up the CLI sandbox: plugin-host {string.Join(' ', step)} exited {process.ExitCode}: {await stdout}{await stderr}");
            }
        }
    }

    // Before each invocation: the fixtures as they were (a policy fmt may have rewritten one), the base config unless
    // the invocation brings its own, and the invocation's files.
    private static void ResetFiles(string root, IReadOnlyDictionary<string, byte[]> files)
    {
        Directory.CreateDirectory(Path.Join(root, "dir"));
        Directory.CreateDirectory(Path.Join(root, "tmp"));
        foreach (var (name, content) in CliFuzzGenerator.FixtureFiles)
        {
            File.WriteAllBytes(Path.Join(root, name), content);
        }

        foreach (var name in (string[])["fuzz.hcl", "plugin-host.hcl"])
        {
            File.Delete(Path.Join(root, name));
        }

        if (!files.ContainsKey("plugin-host.hcl"))
        {
            File.WriteAllText(Path.Join(root, "plugin-host.hcl"), BaseConfig);
        }

        foreach (var (name, content) in files)
        {
            File.WriteAllBytes(Path.Join(root, name), content);
        }
    }

    private static async Task RunOneAsync(
        FuzzBinaries binaries, string root, CliFuzzTarget target, CliFuzzCase invocation, CliFuzzOptions options, CliFuzzResult result, CancellationToken cancellationToken)
    {
        ResetFiles(root, invocation.Files);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["TMPDIR"] = Path.Join(root, "tmp") };
        foreach (var (name, value) in invocation.Environment)
        {
            environment[name] = value;
        }

        var start = FuzzServer.CleanStart(binaries.PluginHost, root, invocation.Args, environment);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            // The harness's fault (an argument list the kernel refuses), not plugin-host's: reported all the same.
            result.Findings.Add(new CliFuzzFinding(invocation.Index, "could not start", invocation.Summary, invocation.CommandLine(target.Secrets), error.Message));
            return;
        }

        using (process)
        {
            var (exitCode, output, problem) = invocation.StartsServer
                ? await RunServerAsync(process, invocation, options, result, cancellationToken)
                : await RunCommandAsync(process, invocation, options, cancellationToken);
            options.Trace?.Invoke(invocation, exitCode, output.Replace(root, "<sandbox>", StringComparison.Ordinal));
            if (exitCode is { } code)
            {
                result.ExitCodes[code] = result.ExitCodes.GetValueOrDefault(code) + 1;
            }

            var kind = problem ?? (exitCode is { } exited ? Violation(exited, output) : "no exit code");
            var shown = $"exit {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}: {Printable.Of(output.Replace(root, "<sandbox>", StringComparison.Ordinal), 700)}";
            if (kind is not null)
            {
                result.Findings.Add(new CliFuzzFinding(invocation.Index, kind, invocation.Summary, invocation.CommandLine(target.Secrets), shown));
            }
            else if (output.Contains("Error: unexpected failure (", StringComparison.Ordinal))
            {
                result.Unforeseen.Add(new CliFuzzFinding(invocation.Index, "unexpected failure", invocation.Summary, invocation.CommandLine(target.Secrets), shown));
            }
        }
    }

    private static async Task<(int? ExitCode, string Output, string? Problem)> RunCommandAsync(
        Process process, CliFuzzCase invocation, CliFuzzOptions options, CancellationToken cancellationToken)
    {
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await WriteStdinAsync(process, invocation.Stdin);
        if (!await ExitedOrKilledAsync(process, options.Timeout, cancellationToken))
        {
            return (null, await stderr + await stdout, $"no exit within {options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (killed)");
        }

        return (process.ExitCode, await stderr + await stdout, null);
    }

    // Waits for the process to exit within the timeout; otherwise kills its tree and returns false.
    private static async Task<bool> ExitedOrKilledAsync(Process process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken);
            return false;
        }
    }

    // A server either refuses to start (exits) or prints its banner; then SIGTERM must make it exit 0.
    private static async Task<(int? ExitCode, string Output, string? Problem)> RunServerAsync(
        Process process, CliFuzzCase invocation, CliFuzzOptions options, CliFuzzResult result, CancellationToken cancellationToken)
    {
        var stdout = new LineLog(process.StandardOutput);
        var stderr = new LineLog(process.StandardError);
        await WriteStdinAsync(process, invocation.Stdin);
        var banner = await stdout.WaitForAsync(l => l.Trim().StartsWith(AddressLine, StringComparison.Ordinal), options.Timeout, cancellationToken);
        string? problem = null;
        if (banner is not null)
        {
            result.ServersStarted++;
            FuzzServer.Signal(process.Id, "TERM");
        }

        if (!await ExitedOrKilledAsync(process, options.Timeout, cancellationToken))
        {
            problem = banner is null ? "server neither listened nor exited (killed)" : "server did not exit after SIGTERM (killed)";
        }

        await Task.WhenAll(stdout.Completion, stderr.Completion).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        var output = string.Join('\n', stderr.Last(200)) + "\n" + string.Join('\n', stdout.Last(200));
        if (problem is null && banner is not null && process.ExitCode != 0)
        {
            problem = $"server exited {process.ExitCode.ToString(CultureInfo.InvariantCulture)} after SIGTERM";
        }

        return (problem is null ? process.ExitCode : null, output, problem);
    }

    private static async Task WriteStdinAsync(Process process, byte[] stdin)
    {
        try
        {
            if (stdin.Length > 0)
            {
                await process.StandardInput.BaseStream.WriteAsync(stdin);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited without reading its input.
        }
    }

    // "   at PluginHost.X.Y(…)" (with or without " in file:line N"), as the runtime prints stack frames.
    [GeneratedRegex(@"(?m)^\s+at \S+\(.*\)")]
    private static partial Regex StackFrame();

    /// <summary>The findings as text, for a report or an assertion message.</summary>
    public static string Describe(IEnumerable<CliFuzzFinding> findings) => string.Concat(findings.Select(f => f.ToString()));
}

/// <summary>The HTTP findings as text.</summary>
internal static class HttpFuzzReport
{
    public static string Describe(IEnumerable<HttpFuzzFinding> findings) => string.Concat(findings.Select(f => f.ToString()));
}
