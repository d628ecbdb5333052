using System.Text.Json;
using System.Text.RegularExpressions;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// Tokens, logins, policies and audit devices in client mode against one <c>plugin-host server -dev</c> for the class:
/// the server decides with the caller's token, while embedded mode acts as the application itself.
/// </summary>
[TestClass]
public sealed partial class ClientSecurityTests
{
    private static Sandbox s_serverSandbox = null!;
    private static ServerProcess s_server = null!;
    private static string s_address = "";

    [ClassInitialize]
    public static async Task StartServerAsync(TestContext context)
    {
        s_serverSandbox = new Sandbox(writeConfig: false);
        s_server = ServerProcess.StartDev(s_serverSandbox);
        s_address = await s_server.AddressAsync();
    }

    [ClassCleanup]
    public static void StopServer()
    {
        s_server.Dispose();
        s_serverSandbox.Dispose();
    }

    [TestMethod]
    public void Token_CreateLookupRenewRevoke_RoundTrip()
    {
        using var root = Client(ServerProcess.DevRootToken);

        var created = root.Run("token", "create", "-policy=default", "-ttl=1h", "-display-name=ci", "-metadata=team=ops");
        Assert.AreEqual(0, created.ExitCode, created.ToString());
        StringAssert.Matches(created.Stdout, CreatedTable());
        var token = Row(created.Stdout, "token");
        var accessor = Row(created.Stdout, "token_accessor");

        var lookup = root.Run("token", "lookup", token);
        Assert.AreEqual(0, lookup.ExitCode, lookup.ToString());
        Assert.AreEqual(accessor, Row(lookup.Stdout, "accessor"));
        Assert.AreEqual("token-ci", Row(lookup.Stdout, "display_name"));
        Assert.AreEqual("[default]", Row(lookup.Stdout, "policies"));
        Assert.AreEqual("map[team:ops]", Row(lookup.Stdout, "meta"));
        Assert.AreEqual("<nil>", Row(lookup.Stdout, "last_renewal_time"));
        var byAccessor = root.Run("token", "lookup", "-accessor", accessor);
        Assert.AreEqual(accessor, Row(byAccessor.Stdout, "accessor"));
        Assert.AreEqual("n/a", Row(byAccessor.Stdout, "id"), "a lookup by accessor does not show the token");

        var renewed = root.Run("token", "renew", "-increment=2h", token);
        Assert.AreEqual(0, renewed.ExitCode, renewed.ToString());
        Assert.AreEqual(token, Row(renewed.Stdout, "token"));
        Assert.AreEqual("2h", Row(renewed.Stdout, "token_duration"));
        Assert.AreNotEqual("<nil>", Row(root.Run("token", "lookup", token).Stdout, "last_renewal_time"));

        // The token's own view: lookup-self and renew-self with PLUGIN_HOST_TOKEN.
        using var holder = Client(token);
        Assert.AreEqual(token, Row(holder.Run("token", "lookup").Stdout, "id"));
        holder.Run("token", "capabilities", "sys/mounts").Is(0, "deny\n");
        root.Run("token", "capabilities", token, "sys/mounts").Is(0, "deny\n");
        root.Run("token", "capabilities", "sys/mounts").Is(0, "root\n");

        root.Run("token", "revoke", token).Is(0, "Success! Revoked token (if it existed)\n");
        root.Run("token", "lookup", token).Is(2, "", $"""
            Error looking up token: Error making API request.

            URL: PUT {s_address}/v1/auth/token/lookup
            Code: 403. Errors:

            * bad token

            """);
    }

    [TestMethod]
    public void Login_StoresTheToken0600_LaterCommandsUseIt_AndItsPolicyDecides_WhileEmbeddedModeMayDoAnything()
    {
        using (var root = Client(ServerProcess.DevRootToken))
        {
            root.Run("auth", "enable", "-path=people", "userpass").Is(0, "Success! Enabled userpass auth method at: people/\n");
            File.WriteAllText(Path.Join(root.Root, "reader.hcl"), "path \"sys/mounts\" {\n  capabilities = [\"read\"]\n}\n");
            root.Run("policy", "write", "reader", "reader.hcl").Is(0, "Success! Uploaded policy: reader\n");
            root.Run("write", "auth/people/users/alice", "password=s3cret", "token_policies=reader").Is(0, "Success! Data written to: auth/people/users/alice\n");
        }

        // No PLUGIN_HOST_TOKEN: the password comes from stdin (not a terminal: one line, no prompt).
        using var alice = Client(token: null);
        var login = alice.RunWithStdin("s3cret\n", "login", "-method=userpass", "-path=people", "username=alice");
        Assert.AreEqual(0, login.ExitCode, login.ToString());
        Assert.AreEqual("", login.Stderr);
        StringAssert.StartsWith(login.Stdout, "Success! You are now authenticated.");
        Assert.AreEqual("[\"default\" \"reader\"]", Row(login.Stdout, "policies"));
        var tokenFile = Path.Join(alice.Root, ".plugin-host-token");
        Assert.AreEqual(Row(login.Stdout, "token"), File.ReadAllText(tokenFile));
        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));

        // The next commands use the stored token: its policy allows reading the mounts and nothing more.
        Assert.AreEqual("people-alice", Row(alice.Run("token", "lookup").Stdout, "display_name"));
        Assert.AreEqual(0, alice.Run("secrets", "list").ExitCode);
        alice.Run("secrets", "enable", "kv").Is(2, "", $"""
            Error enabling: Error making API request.

            URL: PUT {s_address}/v1/sys/mounts/kv
            Code: 403. Errors:

            * permission denied

            """);

        // Embedded mode is the application itself: the same command succeeds, whatever token is stored.
        using var embedded = new Sandbox();
        File.Copy(tokenFile, Path.Join(embedded.Root, ".plugin-host-token"));
        embedded.Run("secrets", "enable", "kv").Is(0, "Success! Enabled the kv secrets engine at: kv/\n");

        // login TOKEN checks the token with lookup-self; a revoked one is refused and nothing is stored.
        using var other = Client(token: null);
        other.Run("login", "-no-print", ServerProcess.DevRootToken).Is(0, "");
        Assert.AreEqual(ServerProcess.DevRootToken, File.ReadAllText(Path.Join(other.Root, ".plugin-host-token")));
        alice.Run("token", "revoke", "-self").Is(0, "Success! Revoked token (if it existed)\n");
        var refused = alice.Run("login", File.ReadAllText(tokenFile));
        Assert.AreEqual(2, refused.ExitCode, refused.ToString());
        StringAssert.StartsWith(refused.Stderr, "Error authenticating: error looking up token: Error making API request.");
    }

    [TestMethod]
    public void Audit_EnableFile_RequestsAreLoggedAsJsonLines_ListShowsIt_ThenDisable()
    {
        using var root = Client(ServerProcess.DevRootToken);
        var log = Path.Join(s_serverSandbox.Root, "audit.log");

        root.Run("audit", "enable", "-description=every request", "file", $"file_path={log}").Is(0, "Success! Enabled the file audit device at: file/\n");
        Assert.AreEqual(0, root.Run("policy", "list").ExitCode);

        // One JSON object a line: the request and the response of the list, with the token hashed.
        var lines = File.ReadAllLines(log);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        var listed = entries.Where(e => e.GetProperty("request").GetProperty("path").GetString()!.StartsWith("sys/policies/acl", StringComparison.Ordinal)).ToArray();
        Assert.AreEqual("request response", string.Join(' ', listed.Select(e => e.GetProperty("type").GetString())), string.Join('\n', lines));
        Assert.IsTrue(
            listed.All(e => e.GetProperty("auth").GetProperty("client_token").GetString()!.StartsWith("hmac-sha256:", StringComparison.Ordinal)),
            string.Join('\n', lines));

        root.Run("audit", "list").Is(0, """
            Path     Type    Description
            ----     ----    -----------
            file/    file    every request

            """);
        root.Run("audit", "list", "-detailed").Is(0, $"""
            Path     Type    Description      Replication    Options
            ----     ----    -----------      -----------    -------
            file/    file    every request    replicated     file_path={log}

            """);
        root.Run("audit", "disable", "file").Is(0, "Success! Disabled audit device (if it was enabled) at: file/\n");
        root.Run("audit", "list").Is(2, "No audit devices are enabled.\n");
    }

    private static Sandbox Client(string? token)
    {
        var client = new Sandbox(writeConfig: false);
        client.Environment["PLUGIN_HOST_ADDR"] = s_address;
        if (token is not null)
        {
            client.Environment["PLUGIN_HOST_TOKEN"] = token;
        }

        return client;
    }

    // The value of a Key/Value table's row.
    private static string Row(string table, string key) =>
        table.Split('\n').Select(l => l.Split("    ", 2, StringSplitOptions.TrimEntries)).FirstOrDefault(p => p.Length == 2 && p[0] == key)?[1]
        ?? throw new AssertFailedException($"no row {key} in:\n{table}");

    [GeneratedRegex("""
        ^Key                  Value
        ---                  -----
        token                hvs\.\S+
        token_accessor       \S+
        token_duration       1h
        token_renewable      true
        token_policies       \["default"\]
        identity_policies    \[\]
        policies             \["default"\]
        token_meta_team      ops
        $
        """)]
    private static partial Regex CreatedTable();
}
