using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PluginHost.Catalog;
using PluginHost.Runtime;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Runtime;

/// <summary>How a plugin process's stderr lines become log entries: level, message and the mount in scope.</summary>
[TestClass]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PluginProcessLogTests : IDisposable
{
    private static readonly CatalogEntry Entry = new() { Type = BackendType.Secret, Name = "chatty" };
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggers;

    public PluginProcessLogTests() => _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));

    public void Dispose() => _loggers.Dispose();

    [TestMethod]
    public async Task JsonLine_NamingItsMount_IsLoggedAtItsLevelInThatMountsScope()
    {
        var (os, process) = Start("""{"@l":"Warning","msg":"disk low","mount_path":"team-b/"}""");
        process.NameMount(new object(), "team-a/");
        os.StandardInput.Close();

        var entry = await LoggedAsync("disk low");

        Assert.AreEqual(LogLevel.Warning, entry.Level);
        Assert.AreEqual("PluginHost.Plugins.chatty", entry.Category);
        Assert.AreEqual("team-b/", entry.Scope["MountPath"]);
        Assert.AreEqual("chatty", entry.Scope["PluginName"]);
        Assert.AreEqual(process.Pid, entry.Scope["Pid"]);
    }

    [TestMethod]
    public async Task PlainLine_OfAProcessServingOneMount_IsInThatMountsScope()
    {
        var (os, process) = Start("plain words");
        process.NameMount(new object(), "team-a/");
        os.StandardInput.Close();

        var entry = await LoggedAsync("plain words");

        Assert.AreEqual(LogLevel.Information, entry.Level);
        Assert.AreEqual("team-a/", entry.Scope["MountPath"]);
    }

    [TestMethod]
    public async Task PlainLine_OfAProcessServingSeveralMounts_ListsThemAll()
    {
        var (os, process) = Start("plain words");
        process.NameMount(new object(), "team-b/");
        process.NameMount(new object(), "team-a/");
        var forgotten = new object();
        process.NameMount(forgotten, "gone/");
        process.ForgetMount(forgotten);
        os.StandardInput.Close();

        var entry = await LoggedAsync("plain words");

        Assert.AreEqual("team-a/, team-b/", entry.Scope["MountPaths"]);
        Assert.IsFalse(entry.Scope.ContainsKey("MountPath"));
    }

    // The process prints its line once its stdin closes: after the test has named the mounts it serves.
    private (Process Os, PluginProcess Plugin) Start(string line)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("cat >/dev/null; printf '%s\\n' \"$0\" >&2");
        start.ArgumentList.Add(line);
        var os = Process.Start(start)!;
        var jail = new PluginJail(Entry.Name, "CHATTY_MARKER=1", PluginResourceLimits.None, cgroup: null, record: null);
        var plugin = new PluginProcess(Entry, os, Path.Combine(Path.GetTempPath(), "no-socket-directory"), jail, _loggers.CreateLogger("PluginHost.Plugins.chatty"));
        return (os, plugin);
    }

    private async Task<(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Scope)> LoggedAsync(string message)
    {
        await Eventually.TrueAsync(() => Task.FromResult(_logs.Entries.Any(e => e.Message == message)), $"'{message}' is logged");
        return _logs.Entries.First(e => e.Message == message);
    }
}
