using Microsoft.Extensions.Options;
using PluginHost.Catalog;
using PluginHost.Hosting;

namespace PluginHost.Runtime;

/// <summary>
/// Verifies a plugin binary on every launch and hands out a private copy of exactly the bytes it verified: the file
/// is hashed while it is copied into a 0700 content-addressed cache, and the copy is what runs, so a binary swapped in
/// the plugin directory between check and exec is never executed.
/// </summary>
internal sealed class PluginBinaryCache(IOptionsMonitor<PluginHostOptions> options)
{
    private readonly Lazy<string> _temporaryCache = new(() => Directory.CreateTempSubdirectory("pluginhost-cache-").FullName);

    /// <summary>Re-resolves and re-hashes <paramref name="entry"/>'s command and returns the path of its verified private copy.</summary>
    /// <exception cref="PluginHostException">The command no longer resolves inside the plugin directory, or <c>checksums did not match</c>.</exception>
    public async Task<string> PrepareAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var source = PluginCommandResolver.Resolve(PluginCommandResolver.RequireDirectory(settings.PluginDirectory), entry.Command);
        var cache = CacheDirectory(settings);
        var expected = PluginChecksum.Normalize(entry.Sha256);
        var target = Path.Combine(cache, expected);
        var temporary = Path.Combine(cache, $".{expected}.{Guid.NewGuid():N}.tmp");
        try
        {
            string actual;
            await using (var output = new FileStream(temporary, PrivateExecutable()))
            {
                actual = await PluginChecksum.HashAsync(source, output, cancellationToken).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                throw PluginChecksum.Mismatch(entry, source, actual);
            }

            // Same name, same bytes: replacing a copy another launch made is harmless, and rename is atomic.
            File.Move(temporary, target, overwrite: true);
            return target;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static FileStreamOptions PrivateExecutable()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        return options;
    }

    private string CacheDirectory(PluginHostOptions settings)
    {
        var directory = settings.PluginCacheDirectory
            ?? (settings.DataDirectory is { Length: > 0 } data ? Path.Combine(data, ".plugin-cache") : _temporaryCache.Value);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return directory;
    }
}
