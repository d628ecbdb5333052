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

    public void Dispose()
    {
        // Recursive delete removes symlinks themselves, never what they point to.
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
