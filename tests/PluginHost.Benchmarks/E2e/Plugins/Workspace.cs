namespace PluginHost.Benchmarks.E2e.Plugins;

/// <summary>
/// The run's private temporary directory: the published plugin, the hosts' plugin directory and binary cache. Every
/// plugin process of the run executes a copy from <see cref="CacheDirectory"/>, which is how they are found again.
/// </summary>
internal sealed class Workspace : IDisposable
{
    private Workspace(string root, bool limitsOn)
    {
        Root = root;
        LimitsOn = limitsOn;
        PublishDirectory = Path.Combine(root, "publish");
        PluginDirectory = Directory.CreateDirectory(Path.Combine(root, "plugins")).FullName;
        CacheDirectory = Path.Combine(root, "cache");
    }

    public string Root { get; }

    /// <summary>Whether the run's hosts set <see cref="BenchLimits"/> for their plugins.</summary>
    public bool LimitsOn { get; }

    public string PublishDirectory { get; }

    public string PluginDirectory { get; }

    public string CacheDirectory { get; }

    /// <summary>A new private directory; <paramref name="limitsOn"/> runs the plugins under <see cref="BenchLimits"/>.</summary>
    public static Workspace Create(bool limitsOn = false) => new(Directory.CreateTempSubdirectory("pluginhost-e2e-").FullName, limitsOn);

    /// <summary>The live plugin processes of this run: those executing a binary from its cache.</summary>
    public IReadOnlyList<int> PluginProcesses() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ExecutableOf(pid)?.StartsWith(CacheDirectory + "/", StringComparison.Ordinal) == true)
            .ToArray();

    /// <summary>Waits until no plugin process of this run is left, up to <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForNoPluginProcessAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (PluginProcesses().Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20, cancellationToken);
        }

        return true;
    }

    /// <summary>Kills, by pid, any plugin process of this run the hosts did not stop (after a failure or Ctrl+C).</summary>
    /// <returns>How many were left.</returns>
    public int KillLeftovers()
    {
        var left = PluginProcesses();
        foreach (var pid in left)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Exited meanwhile.
            }
        }

        return left.Count;
    }

    public void Dispose()
    {
        KillLeftovers();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is under the temp directory.
        }
    }

    private static string? ExecutableOf(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
