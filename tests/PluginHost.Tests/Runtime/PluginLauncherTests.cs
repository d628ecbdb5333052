using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PluginHost.Catalog;
using PluginHost.Runtime;
using PluginHost.Tests.Backends;
using PluginHost.Tests.Catalog;

namespace PluginHost.Tests.Runtime;

/// <summary>Launch failures of plugins that are shell scripts: no socket client needed to fail before the hello.</summary>
[TestClass]
public sealed class PluginLauncherTests
{
    private static async Task<(PluginHostException Error, RecordingLogger Log)> LaunchAsync(string script, Action<PluginHostOptions>? configure = null)
    {
        using var directory = new PluginDirectory();
        var sha256 = directory.Write("plugin", "#!/bin/sh\n" + script);
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("shell-script plugins");
            return default;
        }

        File.SetUnixFileMode(Path.Combine(directory.Location, "plugin"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = new PluginHostOptions { PluginDirectory = directory.Location, PluginCacheDirectory = Path.Combine(directory.Root, "cache") };
        configure?.Invoke(options);
        var monitor = new TestOptionsMonitor(options);
        var log = new RecordingLogger();
        var launcher = new PluginLauncher(new PluginBinaryCache(monitor), monitor, new SingleLoggerFactory(log));
        var entry = new CatalogEntry { Type = BackendType.Secret, Name = "sh-plugin", Command = "plugin", Sha256 = sha256 };

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => launcher.LaunchAsync(entry, CancellationToken.None));
        return (error, log);
    }

    [TestMethod]
    public async Task PluginExitingBeforeConnecting_IsReportedOnce_WithItsExitCodeAndStderr()
    {
        var (error, _) = await LaunchAsync("echo 'broken build' >&2\nexit 7\n");

        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        Assert.AreEqual("plugin 'sh-plugin' failed to start: it exited with code 7 before connecting; its last stderr lines: broken build", error.Message);
    }

    [TestMethod]
    public async Task PluginNeverConnecting_TimesOutSayingSo_AndIsGoneWhenTheErrorIsReported()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"pluginhost-launcher-{Guid.NewGuid():N}.pid");
        try
        {
            var (error, _) = await LaunchAsync(
                $"echo $$ > '{pidFile}'\necho 'waiting for nothing' >&2\nexec sleep 60\n",
                o => o.PluginStartTimeout = TimeSpan.FromMilliseconds(500));

            Assert.AreEqual("plugin 'sh-plugin' failed to start: it did not connect within 0.5s (PluginHostOptions.PluginStartTimeout); its last stderr lines: waiting for nothing", error.Message);
            Assert.IsFalse(IsRunning(int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture)), "the process was killed and reaped before the error was reported");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [TestMethod]
    public async Task VeryLongStderrLines_AreCutInTheLogAndShortInTheErrorMessage()
    {
        var (error, log) = await LaunchAsync("head -c 100000 /dev/zero | tr '\\000' x >&2\necho >&2\nexit 3\n");

        var logged = log.Entries.Single(e => e.Message.StartsWith('x'));
        Assert.AreEqual(new string('x', PluginOutputReader.MaxLineLength) + PluginOutputReader.TruncationMarker, logged.Message);
        Assert.AreEqual($"plugin 'sh-plugin' failed to start: it exited with code 3 before connecting; its last stderr lines: {new string('x', 1000)}…", error.Message);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
