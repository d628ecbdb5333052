using System.Diagnostics;
using System.Security.Cryptography;

[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]

// These tests run real processes and read /proc: Linux only, like CI.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace PluginHost.IntegrationTests;

/// <summary>Publishes the sample plugins once per test run, as single files, the way users publish them.</summary>
[TestClass]
public static class PublishedPlugins
{
    private static string s_directory = "";

    public static string MockPlugin => Path.Combine(s_directory, "my-mock-plugin");

    public static string UserpassPlugin => Path.Combine(s_directory, "my-userpass-plugin");

    public static string AdversarialPlugin => Path.Combine(s_directory, "adversarial-plugin");

    /// <summary>The plugin written from docs/protocol.md without the SDK.</summary>
    public static string RawProtocolPlugin => Path.Combine(s_directory, "raw-protocol-plugin");

    /// <summary>samples/MockPlugin compiled with NativeAOT (its NativeAot publish profile): same name, its own folder.</summary>
    public static string MockPluginNativeAot => Path.Combine(s_directory, "native-aot", "my-mock-plugin");

    /// <summary>Every published plugin, for fixtures to copy into their plugin directory.</summary>
    /// <summary>The PostgreSQL database plugin sample (type <c>database</c>); copied only by fixtures that ask for it.</summary>
    public static string PostgresDatabasePlugin => Path.Combine(s_directory, "postgresql-database-plugin");

    public static IReadOnlyList<string> All => [MockPlugin, UserpassPlugin, AdversarialPlugin, RawProtocolPlugin];

    /// <summary>The small host the SIGKILL test runs as a child process (a framework-dependent app, not a plugin).</summary>
    public static string ChildHost => Path.Combine(s_directory, "child-host", "child-host");

    [AssemblyInitialize]
    public static async Task PublishAsync(TestContext context)
    {
        s_directory = Directory.CreateTempSubdirectory("pluginhost-published-").FullName;
        var repository = RepositoryRoot();
        using var publishing = await PluginHost.Tests.Shared.PublishLock.AcquireAsync(repository, context.CancellationToken);
        string[] plugins = ["samples/MockPlugin", "samples/UserpassPlugin", "tests/Plugins/PluginHost.AdversarialPlugin", "tests/Plugins/PluginHost.RawPlugin", "samples/PostgresDatabasePlugin"];
        foreach (var project in plugins)
        {
            await PublishAsync(Path.Combine(repository, project), s_directory, context.CancellationToken);
        }

        await RunAsync(
            "dotnet",
            ["publish", Path.Combine(repository, "samples/MockPlugin"), "-c", "Release", "-p:PublishProfile=NativeAot", "-o", Path.GetDirectoryName(MockPluginNativeAot)!, "-nologo", "-v", "quiet"],
            context.CancellationToken);
        await PublishAsync(Path.Combine(repository, "tests/Plugins/PluginHost.ChildHost"), Path.GetDirectoryName(ChildHost)!, context.CancellationToken);
    }

    [AssemblyCleanup]
    public static async Task DeletePublished()
    {
        Directory.Delete(s_directory, recursive: true);
        await PostgreSqlStorage.StorageCluster.DisposeAsync();
    }

    public static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PluginHost.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("PluginHost.sln not found above the test binaries");
    }

    private static Task PublishAsync(string project, string output, CancellationToken cancellationToken) =>
        RunAsync("dotnet", ["publish", project, "-c", "Release", "-o", output, "-nologo", "-v", "quiet"], cancellationToken);

    private static async Task RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with {process.ExitCode}: {await output}{await error}");
        }
    }
}
