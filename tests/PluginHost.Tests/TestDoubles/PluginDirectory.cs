using System.Security.Cryptography;

namespace PluginHost.Tests.TestDoubles;

/// <summary>A temporary plugin directory with real files, removed on dispose.</summary>
internal sealed class PluginDirectory : IDisposable
{
    public PluginDirectory()
    {
        Path = Directory.CreateTempSubdirectory("pluginhost-plugins-").FullName;
    }

    public string Path { get; }

    /// <summary>Writes a plugin file and returns its SHA-256 in lower-case hex.</summary>
    public string AddPlugin(string name, string content = "#!/bin/sh\necho plugin\n")
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
