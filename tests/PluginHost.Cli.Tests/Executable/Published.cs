using System.Diagnostics;
using System.Security.Cryptography;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>Publishes plugin-host and the sample plugins once per test run, the way the walkthrough does.</summary>
[TestClass]
public static class Published
{
    private static string s_directory = "";

    /// <summary>The published plugin-host executable.</summary>
    public static string PluginHost => Path.Combine(s_directory, "bin", "plugin-host");

    public static string MockPlugin => Path.Combine(s_directory, "plugins", "my-mock-plugin");

    public static string UserpassPlugin => Path.Combine(s_directory, "plugins", "my-userpass-plugin");

    /// <summary>The test plugin with misbehaviours on request (here: <c>slow</c>, for the drain on SIGTERM).</summary>
    public static string AdversarialPlugin => Path.Combine(s_directory, "plugins", "adversarial-plugin");

    /// <summary>samples/PostgresDatabasePlugin: Vault's <c>postgresql-database-plugin</c> (a plugin of type <c>database</c>).</summary>
    public static string PostgresDatabasePlugin => Path.Combine(s_directory, "plugins", "postgresql-database-plugin");

    public static string MockSha256 { get; private set; } = "";

    public static string UserpassSha256 { get; private set; } = "";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    [AssemblyInitialize]
    public static async Task PublishAsync(TestContext context)
    {
        s_directory = Directory.CreateTempSubdirectory("plugin-host-cli-published-").FullName;
        using var publishing = await global::PluginHost.Tests.Shared.PublishLock.AcquireAsync(RepositoryRoot, context.CancellationToken);

        // One after the other: the projects share the library's build output. The test project's build already
        // restored and built them (project references), so these only publish.
        await PublishAsync("src/PluginHost.Cli", "bin", context.CancellationToken);
        await PublishAsync("samples/MockPlugin", "plugins", context.CancellationToken);
        await PublishAsync("samples/UserpassPlugin", "plugins", context.CancellationToken);
        await PublishAsync("tests/Plugins/PluginHost.AdversarialPlugin", "plugins", context.CancellationToken);
        await PublishAsync("samples/PostgresDatabasePlugin", "plugins", context.CancellationToken);
        MockSha256 = Sha256Of(MockPlugin);
        UserpassSha256 = Sha256Of(UserpassPlugin);
    }

    [AssemblyCleanup]
    public static void DeletePublished() => Directory.Delete(s_directory, recursive: true);

    public static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static async Task PublishAsync(string project, string output, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["publish", Path.Combine(RepositoryRoot, project), "-c", "Release", "--no-restore", "-o", Path.Combine(s_directory, output), "-nologo", "-v", "quiet", "-clp:ErrorsOnly"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} failed with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    private static string FindRepositoryRoot()
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
}
