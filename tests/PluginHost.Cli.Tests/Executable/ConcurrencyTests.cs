using PluginHost.Storage;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>Several plugin-host processes on one data directory: they take turns through its lock, or fail clearly.</summary>
[TestClass]
public sealed class ConcurrencyTests
{
    [TestMethod]
    public void ProcessesAtOnce_TakeTurnsAndLoseNoWrite()
    {
        using var sandbox = new Sandbox();
        sandbox.Run("secrets", "enable", "kv").Is(0, "Success! Enabled the kv secrets engine at: kv/\n");

        var processes = Enumerable.Range(0, 4).Select(i => sandbox.Start(["write", $"kv/key{i}", $"value={i}"])).ToArray();
        foreach (var (process, i) in processes.Select((p, i) => (p, i)))
        {
            using (process)
            {
                var output = process.StandardOutput.ReadToEnd();
                var error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                // A process that found the directory locked says so, then goes on.
                var waited = error.Length > 0 ? $"[WARN]  Data directory {sandbox.Data} is locked by another process" : "";
                Assert.AreEqual(waited, error.Split(" (pid ")[0], error);
                new CliResult(process.ExitCode, output, "").Is(0, $"Success! Data written to: kv/key{i}\n");
            }
        }

        sandbox.Run("list", "kv").Is(0, "Keys\n----\nkey0\nkey1\nkey2\nkey3\n");
        sandbox.Run("read", "-field=value", "kv/key3").Is(0, "3");
    }

    [TestMethod]
    public void DirectoryHeldByAnotherProcess_FailsClearlyAfterTheLockTimeout()
    {
        using var sandbox = new Sandbox();
        sandbox.WriteConfig("plugin_directory = \"plugins\"\ndata_directory = \"data\"\nlock_timeout = \"0s\"\n");
        using var holder = new FileStorage(sandbox.Data, TimeSpan.Zero);

        sandbox.Normalized(sandbox.Run("read", "kv/x")).Is(
            2,
            "",
            $"Error reading kv/x: data directory '<root>/data' is in use by another process (pid {Environment.ProcessId}); stop the other host or use another data directory\n");
    }

    [TestMethod]
    public void DirectoryHeldByAnotherProcess_IsWaitedFor()
    {
        using var sandbox = new Sandbox();
        sandbox.Run("secrets", "enable", "kv").Is(0, "Success! Enabled the kv secrets engine at: kv/\n");
        var holder = new FileStorage(sandbox.Data, TimeSpan.Zero);
        try
        {
            using var process = sandbox.Start(["write", "kv/after-wait", "value=1"]);

            // plugin-host says it waits (a warning on stderr) before the lock is released: no fixed sleep needed.
            var warning = process.StandardError.ReadLine();
            Assert.AreEqual(
                $"[WARN]  Data directory {sandbox.Data} is locked by another process (pid {Environment.ProcessId}); waiting up to 10s for it",
                warning);
            holder.Dispose();

            var output = process.StandardOutput.ReadToEnd();
            var rest = process.StandardError.ReadToEnd();
            process.WaitForExit();
            new CliResult(process.ExitCode, output, rest).Is(0, "Success! Data written to: kv/after-wait\n");
        }
        finally
        {
            holder.Dispose();
        }

        sandbox.Run("read", "-field=value", "kv/after-wait").Is(0, "1");
    }
}
