using System.Diagnostics;
using System.Security.Cryptography;

namespace PluginHost.Benchmarks.E2e.Plugins;

/// <summary>
/// The published <c>samples/MockPlugin</c> (<c>my-mock-plugin</c>), copied into the workspace's plugin directory, and
/// the environment its catalog entry gives its processes (empty unless an experiment asks, <c>--plugin-env</c>).
/// </summary>
/// <param name="Name">Its catalog name and file name in the plugin directory.</param>
/// <param name="Path">Its path in the plugin directory.</param>
/// <param name="Sha256">Its SHA-256, as registered.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Env">The <c>env</c> of its catalog entry.</param>
internal sealed record MockPluginBinary(string Name, string Path, string Sha256, long Bytes, IReadOnlyDictionary<string, string> Env)
{
    /// <summary>The sample's assembly name, and the catalog name of its default (JIT, ReadyToRun) build.</summary>
    public const string DefaultName = "my-mock-plugin";

    /// <summary>The catalog name of the NativeAOT build, registered beside the default one.</summary>
    public const string NativeAotName = "my-mock-plugin-aot";

    /// <summary>Uses <paramref name="given"/> (a published my-mock-plugin) or publishes the sample, then copies it in and hashes it.</summary>
    public static async Task<MockPluginBinary> PrepareAsync(
        string? given, IReadOnlyDictionary<string, string> env, Workspace workspace, CancellationToken cancellationToken)
    {
        var source = given ?? await PublishAsync(System.IO.Path.Combine("samples", "MockPlugin"), DefaultName, workspace.PublishDirectory, [], cancellationToken);
        return await InstallAsync(DefaultName, source, env, workspace, cancellationToken);
    }

    /// <summary>Publishes the sample with its NativeAot profile (the platform linker must be installed), then copies it in.</summary>
    public static async Task<MockPluginBinary> PrepareNativeAotAsync(
        IReadOnlyDictionary<string, string> env, Workspace workspace, CancellationToken cancellationToken)
    {
        var output = System.IO.Path.Combine(workspace.PublishDirectory, "native-aot");
        var source = await PublishAsync(System.IO.Path.Combine("samples", "MockPlugin"), DefaultName, output, ["-p:PublishProfile=NativeAot"], cancellationToken);
        return await InstallAsync(NativeAotName, source, env, workspace, cancellationToken);
    }

    /// <summary>Copies the published <paramref name="source"/> into the plugin directory as <paramref name="name"/> and hashes it (also for other plugins: <see cref="PostgresPluginBinary"/>).</summary>
    internal static async Task<MockPluginBinary> InstallAsync(
        string name, string source, IReadOnlyDictionary<string, string> env, Workspace workspace, CancellationToken cancellationToken)
    {
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"plugin binary not found: {source}", source);
        }

        var target = System.IO.Path.Combine(workspace.PluginDirectory, name);
        File.Copy(source, target);
        await using var stream = File.OpenRead(target);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        return new MockPluginBinary(name, target, sha, stream.Length, env);
    }

    /// <summary>Publishes the project at <paramref name="project"/> (relative to the repository) into <paramref name="output"/>.</summary>
    /// <returns>The path of the published executable <paramref name="assemblyName"/>.</returns>
    internal static async Task<string> PublishAsync(
        string project, string assemblyName, string output, IReadOnlyList<string> properties, CancellationToken cancellationToken)
    {
        project = System.IO.Path.Combine(RepositoryRoot(), project);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "publish", project, "-c", "Release", "-o", output, "-nologo", "-v", "quiet" }.Concat(properties))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet publish");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} failed with {process.ExitCode}: {await stdout}{await stderr}");
        }

        return System.IO.Path.Combine(output, assemblyName);
    }

    // Found by walking up from the binaries (or the working directory) to PluginHost.sln.
    internal static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(directory.FullName, "PluginHost.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("PluginHost.sln not found above the benchmark binaries or the working directory; pass --plugin PATH");
    }
}
