using System.Security.Cryptography;
using System.Text;

namespace PluginHost.Tests.Shared;

/// <summary>
/// Serializes `dotnet publish` runs of this repository's projects across test processes: `dotnet test` runs the test
/// projects in parallel, and two publishes of one project (or of projects sharing the library's obj/ directories)
/// at once can collide on the same intermediate files.
/// </summary>
internal static class PublishLock
{
    /// <summary>Waits (with a deadline) for the repository's publish lock and returns it; dispose it to release.</summary>
    /// <param name="repositoryRoot">The repository whose build outputs are shared.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The held lock.</returns>
    public static async Task<IDisposable> AcquireAsync(string repositoryRoot, CancellationToken cancellationToken = default)
    {
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repositoryRoot)))[..16];
        var path = Path.Combine(Path.GetTempPath(), $"pluginhost-publish-{name}.lock");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock on Unix: released when the stream is closed or the process dies.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }
}
