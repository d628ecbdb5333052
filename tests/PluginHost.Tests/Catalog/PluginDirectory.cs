using System.Security.Cryptography;
using System.Text;

namespace PluginHost.Tests.Catalog;

/// <summary>A temporary plugin directory (<c>Location</c>) inside a temporary root that also holds "outside" files.</summary>
internal sealed class PluginDirectory : IDisposable
{
    public PluginDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "pluginhost-catalog-" + Guid.NewGuid().ToString("N"));
        Location = Path.Combine(Root, "plugins");
        Directory.CreateDirectory(Location);
    }

    /// <summary>The temporary root; files here are outside the plugin directory.</summary>
    public string Root { get; }

    /// <summary>The plugin directory.</summary>
    public string Location { get; }

    /// <summary>Writes <paramref name="content"/> to <paramref name="relativePath"/> under the plugin directory and returns its SHA-256.</summary>
    public string Write(string relativePath, string content) => WriteAt(Path.Combine(Location, relativePath), content);

    /// <summary>Writes <paramref name="content"/> at a full path and returns its SHA-256 in lower-case hex.</summary>
    public static string WriteAt(string fullPath, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var bytes = Encoding.UTF8.GetBytes(content);
        File.WriteAllBytes(fullPath, bytes);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Makes a FIFO (named pipe) at <paramref name="relativePath"/> under the plugin directory and returns its full path.</summary>
    public string MakeFifo(string relativePath) => MakeFifoAt(Path.Combine(Location, relativePath));

    /// <summary>Makes a FIFO at a full path with the real <c>mkfifo</c>.</summary>
    public static string MakeFifoAt(string fullPath)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fullPath]);
        mkfifo.WaitForExit();
        Assert.AreEqual(0, mkfifo.ExitCode, $"mkfifo {fullPath}");
        return fullPath;
    }

    /// <summary>
    /// Opens <paramref name="fifo"/> read-write (which never blocks on Linux) and closes it at once: as a writer, it
    /// releases a reader stuck in open(2) on it (the bug this guards against), so the test run can end.
    /// </summary>
    public static void ReleaseReaders(string fifo)
    {
        using var handle = File.OpenHandle(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
    }

    public void Dispose()
    {
        // Recursive delete removes symlinks themselves, never what they point to.
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
