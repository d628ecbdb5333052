using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// <c>plugin-host server -dev</c> as a real process on a loopback port, with the real mock plugin: the guide's steps as
/// raw HTTP requests (what curl or any Vault API client sends), then SIGTERM.
/// </summary>
[TestClass]
public sealed class ServerTests
{
    private const string RootToken = ServerProcess.DevRootToken;

    [TestMethod]
    public async Task DevServer_ServesTheGuidesStepsOverHttp_AndStopsCleanlyOnSigterm()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        using var server = ServerProcess.StartDev(sandbox);
        var banner = await server.Stdout.WaitForAsync(line => line.StartsWith("Root Token: ", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.AreEqual($"Root Token: {RootToken}", banner);

        using var http = await server.ClientAsync(RootToken);
        await ExpectAsync(HttpStatusCode.NoContent, http.PutAsJsonAsync("sys/plugins/catalog/secret/my-mock-plugin", new { sha256 = Published.MockSha256, command = "my-mock-plugin" }));
        await ExpectAsync(HttpStatusCode.NoContent, http.PostAsJsonAsync("sys/mounts/my-secrets-plugin", new { type = "my-mock-plugin" }));

        var written = await ExpectAsync(HttpStatusCode.OK, http.PutAsJsonAsync("my-secrets-plugin/kv/foo", new { value = "bar" }));
        Assert.AreEqual("bar", written.GetProperty("data").GetProperty("value").GetString(), "the mock plugin echoes its writes");
        var read = await ExpectAsync(HttpStatusCode.OK, http.GetAsync("my-secrets-plugin/kv/foo"));
        Assert.AreEqual("bar", read.GetProperty("data").GetProperty("value").GetString());
        Assert.AreEqual("my-mock-plugin", read.GetProperty("mount_type").GetString());
        var listed = await ExpectAsync(HttpStatusCode.OK, http.SendAsync(new HttpRequestMessage(new HttpMethod("LIST"), "my-secrets-plugin/kv")));
        Assert.AreEqual("""["foo"]""", listed.GetProperty("data").GetProperty("keys").GetRawText());
        var mounts = await ExpectAsync(HttpStatusCode.OK, http.GetAsync("sys/mounts"));
        Assert.AreEqual("my-mock-plugin", mounts.GetProperty("my-secrets-plugin/").GetProperty("type").GetString());

        using var anonymous = await server.ClientAsync(token: null);
        var refused = await ExpectAsync(HttpStatusCode.Forbidden, anonymous.GetAsync("my-secrets-plugin/kv/foo"));
        Assert.AreEqual("""["permission denied"]""", refused.GetProperty("errors").GetRawText());

        var plugins = PluginChildren(server.Process.Id);
        Assert.HasCount(1, plugins, "one my-mock-plugin process serves the mount");

        Signals.Send("TERM", server.Process.Id);
        Assert.IsTrue(server.Process.WaitForExit(TimeSpan.FromSeconds(30)), "the server exits after SIGTERM");
        Assert.AreEqual(0, server.Process.ExitCode, await server.Stderr);
        await server.Stdout.WaitForAsync(line => line == "==> PluginHost shutdown triggered", TimeSpan.FromSeconds(5));
        Assert.IsFalse(plugins.Any(IsRunning), "the plugin process is gone with the server");
    }

    [TestMethod]
    public async Task DevServer_LeavesItsTemporaryDirectoryEmpty_AfterSigterm()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        var temporary = Directory.CreateDirectory(Path.Join(sandbox.Root, "tmp")).FullName;
        sandbox.Environment["TMPDIR"] = temporary;

        // The runtime's own diagnostic sockets would be files in TMPDIR too; this test is about the host's.
        sandbox.Environment["DOTNET_EnableDiagnostics"] = "0";
        using var server = ServerProcess.StartDev(sandbox);
        using var http = await server.ClientAsync(RootToken);
        await ExpectAsync(HttpStatusCode.NoContent, http.PutAsJsonAsync("sys/plugins/catalog/secret/my-mock-plugin", new { sha256 = Published.MockSha256, command = "my-mock-plugin" }));
        await ExpectAsync(HttpStatusCode.NoContent, http.PostAsJsonAsync("sys/mounts/my-secrets-plugin", new { type = "my-mock-plugin" }));
        await ExpectAsync(HttpStatusCode.OK, http.PutAsJsonAsync("my-secrets-plugin/kv/foo", new { value = "bar" }));
        Assert.IsNotEmpty(Directory.GetFileSystemEntries(temporary), "the running server keeps its binary cache in TMPDIR");

        Signals.Send("TERM", server.Process.Id);
        Assert.IsTrue(server.Process.WaitForExit(TimeSpan.FromSeconds(30)), "the server exits after SIGTERM");
        Assert.AreEqual(0, server.Process.ExitCode, await server.Stderr);

        var left = Directory.GetFileSystemEntries(temporary, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(temporary, p));
        Assert.AreEqual("", string.Join(", ", left), "what the dev server left in its TMPDIR");
    }

    [TestMethod]
    public async Task Sigterm_LetsTheRequestInFlightFinish_ThenExits()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        using var server = ServerProcess.StartDev(sandbox);
        using var http = await server.ClientAsync(RootToken);
        await ServerProcess.MountAdversarialPluginAsync(sandbox, http, "slow-mount");

        // The plugin logs "slow started" when the request reaches it, then takes 2 s to answer: SIGTERM lands mid-request.
        var inFlight = http.GetAsync("slow-mount/slow?ms=2000");
        await server.Stdout.WaitForAsync(l => l.Contains("slow started", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Signals.Send("TERM", server.Process.Id);

        var answer = await ExpectAsync(HttpStatusCode.OK, inFlight);
        Assert.AreEqual("done", answer.GetProperty("data").GetProperty("slow").GetString(), "the request in flight was answered, not cut");
        Assert.IsTrue(server.Process.WaitForExit(TimeSpan.FromSeconds(30)), "the server exits once drained");
        Assert.AreEqual(0, server.Process.ExitCode);
        var lines = server.Stdout.Lines;
        Assert.IsTrue(
            lines.ToList().FindIndex(l => l.Contains("shutdown triggered", StringComparison.Ordinal)) >= 0,
            string.Join('\n', lines));
    }

    [TestMethod]
    public async Task ClientMode_PrintsWhatEmbeddedModePrints_AndErrorsAsVaultsCliShowsThem()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        using var server = ServerProcess.StartDev(sandbox);
        var address = await server.AddressAsync();

        // A client needs no config file: the server has the directories. VAULT_ADDR and VAULT_TOKEN work as well.
        using var client = new Sandbox(writeConfig: false);
        client.Environment["VAULT_ADDR"] = address;
        client.Environment["VAULT_TOKEN"] = RootToken;

        // The guide's texts, as GuideTests expects them from embedded mode.
        client.Run("write", "sys/plugins/catalog/secret/my-mock-plugin", $"sha256={Published.MockSha256}", "command=my-mock-plugin")
            .Is(0, "Success! Data written to: sys/plugins/catalog/secret/my-mock-plugin\n");
        client.Run("secrets", "enable", "-path=my-secrets-plugin", "my-mock-plugin")
            .Is(0, "Success! Enabled the my-mock-plugin plugin at: my-secrets-plugin/\n");
        client.Run("auth", "enable", "-path=my-auth-plugin", "my-mock-plugin").Is(2, "", $$"""
            Error enabling my-mock-plugin auth: Error making API request.

            URL: PUT {{address}}/v1/sys/auth/my-auth-plugin
            Code: 400. Errors:

            * cannot mount 'my-mock-plugin' of type 'secret' as an auth method

            """);
        client.Run("write", "my-secrets-plugin/kv/foo", "value=bar").Is(0, "Key      Value\n---      -----\nvalue    bar\n");
        client.Run("read", "my-secrets-plugin/kv/foo").Is(0, "Key      Value\n---      -----\nvalue    bar\n");
        client.Run("read", "-field=value", "my-secrets-plugin/kv/foo").Is(0, "bar");
        client.Run("list", "my-secrets-plugin/kv").Is(0, "Keys\n----\nfoo\n");
        client.Run("delete", "my-secrets-plugin/kv/foo").Is(0, "Success! Data deleted (if it existed) at: my-secrets-plugin/kv/foo\n");
        client.Run("read", "my-secrets-plugin/kv/foo").Is(2, "", "No value found at my-secrets-plugin/kv/foo\n");
        client.Run("secrets", "disable", "my-secrets-plugin")
            .Is(0, "Success! Disabled the secrets engine (if it existed) at: my-secrets-plugin/\n");

        client.Environment["VAULT_TOKEN"] = "not-the-root-token";
        client.Run("read", "sys/mounts").Is(2, "", $"""
            Error reading sys/mounts: Error making API request.

            URL: GET {address}/v1/sys/mounts
            Code: 403. Errors:

            * permission denied

            """);
    }

    [TestMethod]
    public void ClientMode_WithAnAddressThatIsNotAUrl_SaysWhichVariableIsWrong()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.Environment["PLUGIN_HOST_ADDR"] = "127.0.0.1:8200";

        sandbox.Run("read", "secret/foo").Is(2, "", "Error reading secret/foo: PLUGIN_HOST_ADDR='127.0.0.1:8200' is not a server address: give a URL such as http://127.0.0.1:8200\n");
    }

    [TestMethod]
    public void ServerWithoutDevOrAConfigFile_SaysWhatToGive()
    {
        using var sandbox = new Sandbox(writeConfig: false);

        var result = sandbox.Run("server");

        result.Is(1, "", "A config file must be specified with -config (or PLUGIN_HOST_CONFIG, or ./plugin-host.hcl), or use -dev\n");
    }

    [TestMethod]
    public async Task ConfigServer_InitializedOnce_ReloadsThePluginDirectoryOnSighup_AndRestoresEverythingOnRestart()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        var second = Path.Join(sandbox.Root, "plugins-2");
        Directory.CreateDirectory(second, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Move(Path.Join(sandbox.Plugins, "my-userpass-plugin"), Path.Join(second, "my-userpass-plugin"));
        sandbox.WriteConfig("plugin_directory = \"plugins\"\ndata_directory = \"data\"\nlog_level = \"info\"\nlistener \"tcp\" {\n  address = \"127.0.0.1:0\"\n}\n");

        string token;
        string unsealKey;
        using (var server = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl"))
        {
            // Without a static seal the server starts sealed and not initialized: operator init, then unseal.
            await server.Stdout.WaitForAsync(l => l.StartsWith("PluginHost is not initialized.", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            (token, unsealKey) = await server.InitializeAsync();
            using var http = await server.ClientAsync(token);
            await ExpectAsync(HttpStatusCode.NoContent, http.PutAsJsonAsync("sys/plugins/catalog/secret/my-mock-plugin", new { sha256 = Published.MockSha256, command = "my-mock-plugin" }));
            await ExpectAsync(HttpStatusCode.NoContent, http.PostAsJsonAsync("sys/mounts/my-secrets-plugin", new { type = "my-mock-plugin" }));
            await ExpectAsync(HttpStatusCode.OK, http.PutAsJsonAsync("my-secrets-plugin/kv/foo", new { value = "bar" }));
            var userpass = new { sha256 = Published.UserpassSha256, command = "my-userpass-plugin" };
            var missing = await ExpectAsync(HttpStatusCode.BadRequest, http.PutAsJsonAsync("sys/plugins/catalog/auth/my-userpass-plugin", userpass));
            StringAssert.Contains(missing.GetProperty("errors")[0].GetString(), "my-userpass-plugin");

            // SIGHUP: the new plugin directory takes effect; the running mount and its process are untouched.
            var pluginPid = PluginChildren(server.Process.Id).Single();
            sandbox.WriteConfig("plugin_directory = \"plugins-2\"\ndata_directory = \"data\"\nlog_level = \"info\"\nlistener \"tcp\" {\n  address = \"127.0.0.1:0\"\n}\n");
            Signals.Send("HUP", server.Process.Id);
            await server.Stdout.WaitForAsync(l => l.Contains("reloaded config: plugin_directory " + second, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
            await ExpectAsync(HttpStatusCode.NoContent, http.PutAsJsonAsync("sys/plugins/catalog/auth/my-userpass-plugin", userpass));
            Assert.AreEqual("bar", (await ExpectAsync(HttpStatusCode.OK, http.GetAsync("my-secrets-plugin/kv/foo"))).GetProperty("data").GetProperty("value").GetString());
            CollectionAssert.Contains(PluginChildren(server.Process.Id), pluginPid, "the mount's plugin process kept running through the reload");

            // A bad file on reload is logged and the running configuration kept.
            sandbox.WriteConfig("plugin_directory = \"plugins-2\"\nlog_level = \"loud\"\n");
            Signals.Send("HUP", server.Process.Id);
            await server.Stdout.WaitForAsync(l => l.Contains("could not reload config: ", StringComparison.Ordinal) && l.Contains("log_level \"loud\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
            await ExpectAsync(HttpStatusCode.OK, http.GetAsync("sys/plugins/catalog/auth/my-userpass-plugin"));

            Signals.Send("TERM", server.Process.Id);
            Assert.IsTrue(server.Process.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.AreEqual(0, server.Process.ExitCode);
        }

        // A restart on the same data directory: sealed, no root token shown; once unsealed the old token works, mounts
        // and data are back.
        sandbox.WriteConfig("plugin_directory = \"plugins\"\ndata_directory = \"data\"\naddress = \"127.0.0.1:0\"\n");
        using var restarted = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
        await restarted.Stdout.WaitForAsync(l => l.StartsWith("PluginHost is sealed", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.IsFalse(restarted.Stdout.Lines.Any(l => l.Contains("Root Token", StringComparison.Ordinal)), "a restart shows no root token");
        using var again = await restarted.ClientAsync(token);
        await ExpectAsync(HttpStatusCode.ServiceUnavailable, again.GetAsync("my-secrets-plugin/kv/foo"));
        await restarted.UnsealAsync(unsealKey);
        Assert.AreEqual("bar", (await ExpectAsync(HttpStatusCode.OK, again.GetAsync("my-secrets-plugin/kv/foo"))).GetProperty("data").GetProperty("value").GetString());
        await ExpectAsync(HttpStatusCode.OK, again.GetAsync("sys/plugins/catalog/auth/my-userpass-plugin"));
    }

    private static async Task<JsonElement> ExpectAsync(HttpStatusCode status, Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(status, response.StatusCode, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    // The server's child processes: its plugins (each runs a private, content-addressed copy of its binary).
    private static int[] PluginChildren(int serverPid) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentOf(pid) == serverPid)
            .ToArray();

    private static int ParentOf(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            return int.Parse(status.First(l => l.StartsWith("PPid:", StringComparison.Ordinal))[5..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
}
