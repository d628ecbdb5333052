using System.Diagnostics;
using System.Text;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// A temporary working directory for plugin-host runs: a plugin directory (mode 0700) holding copies of the published
/// plugins, a <c>plugin-host.hcl</c> naming it and a data directory, and a home directory of its own.
/// </summary>
internal sealed class Sandbox : IDisposable
{
    public Sandbox(bool writeConfig = true)
    {
        Root = Directory.CreateTempSubdirectory("plugin-host-cli-").FullName;
        Directory.CreateDirectory(Plugins, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Copy(Published.MockPlugin, Path.Join(Plugins, "my-mock-plugin"));
        File.Copy(Published.UserpassPlugin, Path.Join(Plugins, "my-userpass-plugin"));
        if (writeConfig)
        {
            WriteConfig("plugin_directory = \"plugins\"\ndata_directory   = \"data\"\n");
        }
    }

    public string Root { get; }

    public string Plugins => Path.Join(Root, "plugins");

    public string Data => Path.Join(Root, "data");

    public Dictionary<string, string?> Environment { get; } = [];

    public void WriteConfig(string content, string name = "plugin-host.hcl") => File.WriteAllText(Path.Join(Root, name), content);

    public CliResult Run(params string[] args) => RunWithStdin(null, args);

    public CliResult RunWithStdin(string? stdin, params string[] args)
    {
        using var process = Start(args, redirectStdin: stdin is not null);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"plugin-host {string.Join(' ', args)} did not finish in 60 s");
        }

        return new CliResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    /// <summary>Starts plugin-host in the sandbox without waiting; the caller reads its output.</summary>
    public System.Diagnostics.Process Start(IEnumerable<string> args, bool redirectStdin = false)
    {
        var start = new ProcessStartInfo(Published.PluginHost)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only what the sandbox sets: no config, format, data directory or server address of the machine's user leaks in.
        foreach (var name in (string[])["PLUGIN_HOST_CONFIG", "PLUGIN_HOST_FORMAT", "XDG_DATA_HOME", "PLUGIN_HOST_ADDR", "VAULT_ADDR", "PLUGIN_HOST_TOKEN", "VAULT_TOKEN"])
        {
            start.Environment.Remove(name);
        }

        start.Environment["HOME"] = Root;
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        return System.Diagnostics.Process.Start(start)!;
    }

    /// <summary>Replaces the sandbox's directory and the plugins' digests with placeholders, for exact comparisons.</summary>
    public string Normalize(string text) =>
        text.Replace(Root, "<root>", StringComparison.Ordinal)
            .Replace(Published.MockSha256, "<mock-sha256>", StringComparison.Ordinal)
            .Replace(Published.UserpassSha256, "<userpass-sha256>", StringComparison.Ordinal);

    public CliResult Normalized(CliResult result) => result with { Stdout = Normalize(result.Stdout), Stderr = Normalize(result.Stderr) };

    /// <summary>Registers and mounts the mock plugin at <paramref name="path"/>, asserting each step worked.</summary>
    public void EnableMock(string path = "my-secrets-plugin")
    {
        Run("write", "sys/plugins/catalog/secret/my-mock-plugin", $"sha256={Published.MockSha256}", "command=my-mock-plugin").Is(0, "Success! Data written to: sys/plugins/catalog/secret/my-mock-plugin\n");
        Run("secrets", "enable", $"-path={path}", "my-mock-plugin").Is(0, $"Success! Enabled the my-mock-plugin plugin at: {path}/\n");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A plugin's cache file can still be closing; the temp directory is cleaned by the system.
        }
    }
}
