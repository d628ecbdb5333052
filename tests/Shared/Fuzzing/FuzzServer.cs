using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PluginHost.Tests.Shared.Fuzzing;

/// <summary>The published binaries a fuzz run uses.</summary>
/// <param name="PluginHost">The published <c>plugin-host</c> executable.</param>
/// <param name="MockPlugin">The published <c>my-mock-plugin</c>.</param>
/// <param name="UserpassPlugin">The published <c>my-userpass-plugin</c>.</param>
internal sealed record FuzzBinaries(string PluginHost, string MockPlugin, string UserpassPlugin);

/// <summary>
/// A real <c>plugin-host server -config=FILE</c> in a temporary directory (a plugin directory of mode 0700 with the
/// mock and userpass plugins copied in, a data directory, a home of its own), and what the runner needs of it: the
/// root token (the server starts sealed: it is initialized with one key share and unsealed, again after each
/// restart), its address, its log, its RSS, a health check, SIGTERM.
/// </summary>
internal sealed class FuzzServer : IDisposable
{
    private const string AddressLine = "$ export PLUGIN_HOST_ADDR='";
    private static readonly string[] ScrubbedVariables =
        ["PLUGIN_HOST_CONFIG", "PLUGIN_HOST_FORMAT", "XDG_DATA_HOME", "PLUGIN_HOST_ADDR", "VAULT_ADDR", "PLUGIN_HOST_TOKEN", "VAULT_TOKEN"];

    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process _process = null!;

    private FuzzServer(string root, FuzzBinaries binaries, IReadOnlyDictionary<string, string> environment)
    {
        Root = root;
        Binaries = binaries;
        _environment = environment;
    }

    /// <summary>The server's directory: plugins/, data/, plugin-host.hcl, and what the fuzz makes it write.</summary>
    public string Root { get; }

    public FuzzBinaries Binaries { get; }

    public string PluginDirectory => Path.Join(Root, "plugins");

    /// <summary>The root token its initialization made.</summary>
    public string RootToken { get; private set; } = "";

    /// <summary>Its one unseal key share, to unseal it after a restart.</summary>
    public string UnsealKey { get; private set; } = "";

    /// <summary>http://127.0.0.1:PORT, from the banner.</summary>
    public Uri Address { get; private set; } = null!;

    public IPEndPoint EndPoint => new(IPAddress.Parse(Address.Host), Address.Port);

    public int ProcessId => _process.Id;

    /// <summary>The server's stdout (banner, then its log lines).</summary>
    public LineLog Stdout { get; private set; } = null!;

    public LineLog Stderr { get; private set; } = null!;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The digest of the mock plugin as copied into the plugin directory.</summary>
    public string MockSha256 { get; private set; } = "";

    public string UserpassSha256 { get; private set; } = "";

    /// <summary>Sets up the directory and starts the server; returns once it is initialized and unsealed.</summary>
    /// <param name="binaries">What to run.</param>
    /// <param name="environment">Variables for the server process only (such as <c>DOTNET_GCHeapHardLimit</c>).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public static async Task<FuzzServer> StartAsync(FuzzBinaries binaries, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var root = Directory.CreateTempSubdirectory("plugin-host-fuzz-").FullName;
        var server = new FuzzServer(root, binaries, environment ?? new Dictionary<string, string>());
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("the fuzz harness runs plugin-host as Linux does (file modes, /proc)");
            }

            Directory.CreateDirectory(server.PluginDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.Copy(binaries.MockPlugin, Path.Join(server.PluginDirectory, "my-mock-plugin"));
            File.Copy(binaries.UserpassPlugin, Path.Join(server.PluginDirectory, "my-userpass-plugin"));
            server.MockSha256 = Sha256Of(Path.Join(server.PluginDirectory, "my-mock-plugin"));
            server.UserpassSha256 = Sha256Of(Path.Join(server.PluginDirectory, "my-userpass-plugin"));
            await File.WriteAllTextAsync(
                Path.Join(root, "plugin-host.hcl"),
                "plugin_directory = \"plugins\"\ndata_directory   = \"data\"\nlog_level        = \"info\"\nlistener \"tcp\" {\n  address = \"127.0.0.1:0\"\n}\n",
                cancellationToken);
            await server.LaunchAsync(firstStart: true, cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Starts the server again on the same data directory (after a crash) and unseals it; the root token stays the same.</summary>
    public Task RestartAsync(CancellationToken cancellationToken)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return LaunchAsync(firstStart: false, cancellationToken);
    }

    /// <summary>
    /// Mounts what the fuzz aims at, through the API as any client would: the mock plugin at <c>my-secrets-plugin</c>,
    /// the builtin kv at <c>secret</c>, the userpass plugin as the auth method <c>userpass</c> and the builtin one at
    /// <c>builtin-userpass</c>, a policy and a user; returns the target with the user's token.
    /// </summary>
    public async Task<HttpFuzzTarget> SetUpAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Address, "/v1/"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Vault-Token", RootToken);
        const string password = "fuzz-password";
        const string user = "fuzzer";
        await ExpectAsync(http.PutAsJsonAsync("sys/plugins/catalog/secret/my-mock-plugin", new { sha256 = MockSha256, command = "my-mock-plugin" }, cancellationToken));
        await ExpectAsync(http.PostAsJsonAsync($"sys/mounts/{HttpFuzzTarget.PluginMount}", new { type = "my-mock-plugin" }, cancellationToken));
        await ExpectAsync(http.PostAsJsonAsync($"sys/mounts/{HttpFuzzTarget.KvMount}", new { type = "kv" }, cancellationToken));
        await ExpectAsync(http.PutAsJsonAsync("sys/plugins/catalog/auth/my-userpass-plugin", new { sha256 = UserpassSha256, command = "my-userpass-plugin" }, cancellationToken));
        await ExpectAsync(http.PostAsJsonAsync($"sys/auth/{HttpFuzzTarget.UserpassMount}", new { type = "my-userpass-plugin" }, cancellationToken));
        await ExpectAsync(http.PostAsJsonAsync($"sys/auth/{HttpFuzzTarget.BuiltinUserpassMount}", new { type = "userpass" }, cancellationToken));
        var policy = $"path \"{HttpFuzzTarget.KvMount}/*\" {{\n  capabilities = [\"create\", \"read\", \"update\", \"delete\", \"list\"]\n}}\n"
            + $"path \"{HttpFuzzTarget.PluginMount}/*\" {{\n  capabilities = [\"create\", \"read\", \"update\", \"delete\", \"list\"]\n}}\n";
        await ExpectAsync(http.PutAsJsonAsync($"sys/policies/acl/{HttpFuzzTarget.UserPolicy}", new { policy }, cancellationToken));
        await ExpectAsync(http.PostAsJsonAsync($"auth/{HttpFuzzTarget.UserpassMount}/users/{user}", new { password, token_policies = HttpFuzzTarget.UserPolicy }, cancellationToken));
        await ExpectAsync(http.PostAsJsonAsync($"auth/{HttpFuzzTarget.BuiltinUserpassMount}/users/{user}", new { password, token_policies = HttpFuzzTarget.UserPolicy }, cancellationToken));
        await ExpectAsync(http.PutAsJsonAsync($"{HttpFuzzTarget.PluginMount}/kv/k1", new { value = "bar" }, cancellationToken));
        await ExpectAsync(http.PutAsJsonAsync($"{HttpFuzzTarget.KvMount}/k1", new { value = "bar" }, cancellationToken));

        using var anonymous = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var login = await ExpectAsync(anonymous.PostAsJsonAsync($"auth/{HttpFuzzTarget.UserpassMount}/login/{user}", new { password }, cancellationToken));
        var userToken = login.GetProperty("auth").GetProperty("client_token").GetString()!;
        return new HttpFuzzTarget(Address.Authority, RootToken, userToken, user, password, MockSha256);
    }

    /// <summary>
    /// What the CLI generator needs of this server: its address, a new token with the root policy (a child of the root
    /// token, so an invocation that revokes it loses nothing else), the user's token and the locked data directory.
    /// </summary>
    public async Task<CliFuzzTarget> CliTargetAsync(HttpFuzzTarget target, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Address, "/v1/"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Vault-Token", RootToken);
        var created = await ExpectAsync(http.PostAsJsonAsync("auth/token/create", new { policies = new[] { "root" }, display_name = "cli-fuzz" }, cancellationToken));
        var token = created.GetProperty("auth").GetProperty("client_token").GetString()!;
        return new CliFuzzTarget(Address.GetLeftPart(UriPartial.Authority), token, target.UserToken, Path.Join(Root, "data"), MockSha256);
    }

    /// <summary>Resident set size (VmRSS) in KiB, or -1 when the process is gone.</summary>
    public long RssKib() => StatusKib("VmRSS");

    /// <summary>A size field of <c>/proc/PID/status</c> (<c>VmRSS</c>, <c>RssAnon</c>, <c>RssFile</c>, <c>VmHWM</c>) in KiB, or -1.</summary>
    public long StatusKib(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var value = line[(field.Length + 1)..].Trim();
                    return long.Parse(value[..value.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // Exited.
        }

        return -1;
    }

    /// <summary>Whether the process runs and answers <c>GET /v1/sys/health</c> with 200 within <paramref name="timeout"/>.</summary>
    public async Task<(bool Healthy, string Detail)> CheckHealthAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            return (false, $"the server exited with {_process.ExitCode.ToString(CultureInfo.InvariantCulture)}");
        }

        var request = Encoding.ASCII.GetBytes($"GET /v1/sys/health HTTP/1.1\r\nHost: {Address.Authority}\r\nConnection: close\r\n\r\n");
        var answer = await RawHttp.SendAsync(EndPoint, request, timeout, isHead: false, cancellationToken);
        return answer.Status == 200 ? (true, "") : (false, $"GET /v1/sys/health answered {answer.Preview(200)}");
    }

    /// <summary>Sends SIGTERM and waits for the exit; returns the exit code, or null if it did not exit in time.</summary>
    public async Task<int?> StopAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_process.HasExited)
        {
            Signal(_process.Id, "TERM");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        await Task.WhenAny(Stdout.Completion, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        return _process.ExitCode;
    }

    /// <summary>Sends a signal (TERM, HUP, KILL) to <paramref name="pid"/> with kill(1).</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>A start for <paramref name="executable"/> with only what the fuzz sets: no config, address or token of the user's leaks in.</summary>
    public static ProcessStartInfo CleanStart(string executable, string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in ScrubbedVariables)
        {
            start.Environment.Remove(name);
        }

        start.Environment["HOME"] = workingDirectory;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    public void Dispose()
    {
        if (_process is not null)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
                // Never started.
            }

            _process.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // A plugin's file may still be closing; the directory is under the temporary directory.
        }
    }

    private async Task LaunchAsync(bool firstStart, CancellationToken cancellationToken)
    {
        _process = Process.Start(CleanStart(Binaries.PluginHost, Root, ["server", "-config=plugin-host.hcl"], _environment))!;
        _process.StandardInput.Close();
        Stdout = new LineLog(_process.StandardOutput);
        Stderr = new LineLog(_process.StandardError);
        var timeout = TimeSpan.FromSeconds(60);
        var address = await Stdout.WaitForAsync(l => l.Trim().StartsWith(AddressLine, StringComparison.Ordinal), timeout, cancellationToken) ?? throw NotStarted();
        Address = new Uri(address.Trim()[AddressLine.Length..^1]);

        // Without a static seal the server starts sealed: initialized once (one key share), unsealed at every start.
        using var http = new HttpClient { BaseAddress = new Uri(Address, "/v1/"), Timeout = timeout };
        if (firstStart)
        {
            var init = await ExpectAsync(http.PutAsJsonAsync("sys/init", new { secret_shares = 1, secret_threshold = 1 }, cancellationToken));
            RootToken = init.GetProperty("root_token").GetString()!;
            UnsealKey = init.GetProperty("keys_base64")[0].GetString()!;
        }

        await UnsealAsync(cancellationToken);
    }

    /// <summary>Whether the running server answers <c>sys/seal-status</c> with <c>sealed: true</c> (a request sealed it).</summary>
    public async Task<bool> IsSealedAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Address, "/v1/"), Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            var status = await ExpectAsync(http.GetAsync("sys/seal-status", cancellationToken));
            return status.GetProperty("sealed").GetBoolean();
        }
        catch (Exception error) when (error is HttpRequestException or InvalidOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Unseals the server with its key share (after a restart, or after a request sealed it).</summary>
    public async Task UnsealAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Address, "/v1/"), Timeout = TimeSpan.FromSeconds(60) };
        var status = await ExpectAsync(http.PutAsJsonAsync("sys/unseal", new { key = UnsealKey }, cancellationToken));
        if (status.GetProperty("sealed").GetBoolean())
        {
            throw new InvalidOperationException($"plugin-host server is still sealed after its unseal key: {status}");
        }
    }

    private InvalidOperationException NotStarted() => new(
        $"plugin-host server did not print its banner{(_process.HasExited ? $" (exited with {_process.ExitCode.ToString(CultureInfo.InvariantCulture)})" : "")}:\n"
        + string.Join('\n', Stdout.Last(40)) + "\n--- stderr\n" + string.Join('\n', Stderr.Last(40)));

    private static async Task<JsonElement> ExpectAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"setting up the fuzz target: {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
