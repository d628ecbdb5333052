using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Hosting;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// The seal's commands against a real <c>plugin-host server -config=FILE</c> without a static seal, which starts sealed
/// and not initialized: <c>status</c>, <c>operator init</c>, <c>unseal</c> (argument, stdin, <c>-reset</c>, a wrong
/// share), <c>seal</c>, <c>key-status</c> and <c>rotate</c>, data across a restart; <c>operator migrate</c> offline,
/// also killed mid-run; and a server killed while it rotates its key under a write load.
/// </summary>
[TestClass]
public sealed partial class OperatorTests
{
    private const string ServerConfig = "plugin_directory = \"plugins\"\ndata_directory = \"data\"\nlistener \"tcp\" {\n  address = \"127.0.0.1:0\"\n}\n";

    private const string InitParagraphs = """

        PluginHost initialized with 5 key shares and a key threshold of 3. Please
        securely distribute the key shares printed above. When PluginHost is
        re-sealed, restarted, or stopped, you must supply at least 3 of these keys to
        unseal it before it can start servicing requests.

        PluginHost does not store the generated root key. Without at least 3 keys to
        reconstruct the root key, PluginHost will remain permanently sealed!

        """;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    // What sys/seal-status reports as the version: the library's.
    private static readonly string Version =
        typeof(IPluginHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    [TestMethod]
    public async Task InitUnsealSeal_AgainstAConfigServer_WithVaultsTextsAndExitCodes_AndTheDataAcrossARestart()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.WriteConfig(ServerConfig);
        var server = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
        try
        {
            var address = await server.AddressAsync();
            sandbox.Environment["PLUGIN_HOST_ADDR"] = address;

            // Not initialized: sealed, with nothing to unseal with yet.
            sandbox.Run("status").Is(2, StatusTable(initialized: false, shares: 0, threshold: 0, progress: "0/0", nonce: "n/a"));
            sandbox.Run("operator", "init", "-status").Is(2, "Vault is not initialized\n");

            var init = sandbox.Run("operator", "init");
            var keys = UnsealKeyLine().Matches(init.Stdout).Select(m => m.Groups[1].Value).ToArray();
            var rootToken = RootTokenLine().Match(init.Stdout).Groups[1].Value;
            Assert.HasCount(5, keys.Distinct(), init.ToString());
            init.Is(0, string.Concat(keys.Select((k, i) => $"Unseal Key {i + 1}: {k}\n")) + $"\nInitial Root Token: {rootToken}\n" + InitParagraphs);
            StringAssert.StartsWith(rootToken, "hvs.");
            sandbox.Run("operator", "init", "-status").Is(0, "Vault is initialized\n");
            sandbox.Run("operator", "init").Is(2, "", $"Error initializing: Error making API request.\n\nURL: PUT {address}/v1/sys/init\nCode: 400. Errors:\n\n* Vault is already initialized\n");

            // Initialized, still sealed; three of the five shares unseal, one per call (the second from stdin, as a
            // script pipes it), the progress shown on the way under one nonce.
            sandbox.Run("status").Is(2, StatusTable(shares: 5, threshold: 3, progress: "0/3", nonce: "n/a"));
            var first = sandbox.Run("operator", "unseal", keys[0]);
            var nonce = NonceOf(first);
            first.Is(0, StatusTable(shares: 5, threshold: 3, progress: "1/3", nonce: nonce));
            sandbox.RunWithStdin(keys[1] + "\n", "operator", "unseal").Is(0, StatusTable(shares: 5, threshold: 3, progress: "2/3", nonce: nonce));
            sandbox.Run("operator", "unseal", keys[2]).Is(0, StatusTable(isSealed: false, shares: 5, threshold: 3));
            sandbox.Run("status").Is(0, StatusTable(isSealed: false, shares: 5, threshold: 3));

            sandbox.Environment["PLUGIN_HOST_TOKEN"] = rootToken;
            sandbox.Run("secrets", "enable", "-path=secret", "kv").Is(0, "Success! Enabled the kv secrets engine at: secret/\n");
            sandbox.Run("write", "secret/foo", "value=bar").Is(0, "Success! Data written to: secret/foo\n");

            // The encryption key: term 1, which encrypted the writes above; then a rotation adds term 2.
            var keyStatus = sandbox.Run("operator", "key-status");
            Assert.IsTrue(KeyStatusTable(1).IsMatch(keyStatus.Stdout), keyStatus.ToString());
            using (var json = JsonDocument.Parse(sandbox.Run("operator", "key-status", "-format=json").Stdout))
            {
                Assert.AreEqual(1, json.RootElement.GetProperty("term").GetInt32());
                Assert.IsGreaterThanOrEqualTo(1, json.RootElement.GetProperty("encryptions").GetInt32(), "the writes above were encrypted under term 1");
                Assert.IsLessThan(TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow - json.RootElement.GetProperty("install_time").GetDateTimeOffset());
            }

            var rotated = sandbox.Run("operator", "rotate");
            Assert.AreEqual(0, rotated.ExitCode, rotated.ToString());
            StringAssert.StartsWith(rotated.Stdout, "Success! Rotated key\n\n", rotated.ToString());
            Assert.IsTrue(KeyStatusTable(2).IsMatch(rotated.Stdout["Success! Rotated key\n\n".Length..]), rotated.ToString());

            // A restart: sealed again, every path but the seal's answers 503 until enough shares are given.
            server = await RestartAsync(sandbox, server);
            address = await server.AddressAsync();
            sandbox.Environment["PLUGIN_HOST_ADDR"] = address;
            sandbox.Run("status").Is(2, StatusTable(shares: 5, threshold: 3, progress: "0/3", nonce: "n/a"));
            sandbox.Run("read", "secret/foo").Is(2, "", $"Error reading secret/foo: Error making API request.\n\nURL: GET {address}/v1/secret/foo\nCode: 503. Errors:\n\n* Vault is sealed\n");

            // -reset forgets a share; a key that is not base64 or hex is refused; shares that do not make the key are
            // refused at the threshold and forgotten.
            nonce = NonceOf(sandbox.Run("operator", "unseal", keys[0]));
            sandbox.Run("operator", "unseal", "-reset").Is(0, StatusTable(shares: 5, threshold: 3, progress: "0/3", nonce: "n/a"));
            sandbox.Run("operator", "unseal", "not a key!").Is(2, "", $"Error unsealing: Error making API request.\n\nURL: PUT {address}/v1/sys/unseal\nCode: 400. Errors:\n\n* 'key' must be a valid hex or base64 string\n");
            var json1 = sandbox.Run("operator", "unseal", "-format=json", keys[3]);
            Assert.AreEqual(0, json1.ExitCode, json1.ToString());
            nonce = NonceOf(sandbox.Run("status"));
            json1.Is(0, StatusJson(progress: 1, nonce: nonce));
            sandbox.Run("operator", "unseal", keys[4]).Is(0, StatusTable(shares: 5, threshold: 3, progress: "2/3", nonce: nonce));
            sandbox.Run("operator", "unseal", Tampered(keys[0])).Is(2, "", $"Error unsealing: Error making API request.\n\nURL: PUT {address}/v1/sys/unseal\nCode: 400. Errors:\n\n* unseal failed, invalid key\n");
            sandbox.Run("status").Is(2, StatusTable(shares: 5, threshold: 3, progress: "0/3", nonce: "n/a"));
            sandbox.Run("read", "secret/foo").Is(2, "", $"Error reading secret/foo: Error making API request.\n\nURL: GET {address}/v1/secret/foo\nCode: 503. Errors:\n\n* Vault is sealed\n");
            foreach (var key in (string[])[keys[4], keys[1], keys[2]])
            {
                Assert.AreEqual(0, sandbox.Run("operator", "unseal", key).ExitCode);
            }

            // Unsealed: the data written before the restart is back, and the key still at term 2.
            sandbox.Run("read", "-field=value", "secret/foo").Is(0, "bar");
            Assert.IsTrue(KeyStatusTable(2).IsMatch(sandbox.Run("operator", "key-status").Stdout));

            // Sealed by hand: the status says so and the data is out of reach again.
            sandbox.Run("operator", "seal").Is(0, "Success! Vault is sealed.\n");
            sandbox.Run("status").Is(2, StatusTable(shares: 5, threshold: 3, progress: "0/3", nonce: "n/a"));
            sandbox.Run("read", "secret/foo").Is(2, "", $"Error reading secret/foo: Error making API request.\n\nURL: GET {address}/v1/secret/foo\nCode: 503. Errors:\n\n* Vault is sealed\n");
        }
        finally
        {
            server.Dispose();
        }
    }

    [TestMethod]
    public void TheSealsCommands_WithoutAServerAddress_SayWhatTheyNeed_AndLeaveTheDataDirectoryAlone()
    {
        using var sandbox = new Sandbox();

        sandbox.Run("status").Is(1, "", """
            Error: plugin-host status needs a running server, and PLUGIN_HOST_ADDR is not
            set: the seal is the server's. Start one with "plugin-host server
            -config=FILE" and set PLUGIN_HOST_ADDR (or VAULT_ADDR) to its address, such as
            http://127.0.0.1:8200.

            """);
        foreach (var args in (string[][])[["operator", "init"], ["operator", "init", "-status"], ["operator", "unseal"], ["operator", "unseal", "a-key"], ["operator", "seal"]])
        {
            var result = sandbox.RunWithStdin("a-key\n", args);
            Assert.AreEqual(1, result.ExitCode, result.ToString());
            StringAssert.StartsWith(result.Stderr, $"Error: plugin-host {args[0]} {args[1]} needs a running server", result.ToString());
        }

        Assert.IsFalse(Directory.Exists(sandbox.Data), "the data directory was neither created nor locked");
    }

    [TestMethod]
    public void Migrate_EncryptsWhatTheEmbeddedCliWrote_ThenTheCliReadsItWithTheKeyFile()
    {
        using var sandbox = new Sandbox();
        sandbox.Run("secrets", "enable", "-path=secret", "kv").Is(0, "Success! Enabled the kv secrets engine at: secret/\n");
        sandbox.Run("write", "secret/foo", "value=clear-bar").Is(0, "Success! Data written to: secret/foo\n");
        sandbox.Run("write", "secret/baz", "value=clear-qux").Is(0, "Success! Data written to: secret/baz\n");
        var entries = EntryFiles(sandbox.Data).Length;

        // Without a static seal in the config there is nothing to migrate to.
        var noSeal = sandbox.Normalized(sandbox.Run("operator", "migrate"));
        Assert.AreEqual((1, ""), (noSeal.ExitCode, noSeal.Stdout), noSeal.ToString());
        Assert.AreEqual(
            "Error: <root>/plugin-host.hcl has no seal \"static\" { key_file = \"…\" } stanza, and operator migrate encrypts a data directory "
            + "under its key file: add one (openssl rand -out FILE 32 makes a key; chmod 600 it), then run this again. For a server without a "
            + "static seal, there is nothing to migrate: \"plugin-host operator init\" encrypts the existing data as it initializes the server.",
            noSeal.Stderr.TrimEnd('\n').Replace('\n', ' '));

        // With one, the clear data is refused until it is migrated.
        WriteKeyFile(sandbox);
        sandbox.WriteConfig("plugin_directory = \"plugins\"\ndata_directory = \"data\"\nseal \"static\" {\n  key_file = \"seal.key\"\n}\n");
        var refused = sandbox.Run("read", "secret/foo");
        Assert.AreEqual(2, refused.ExitCode, refused.ToString());
        StringAssert.Contains(refused.Stderr, "run plugin-host operator migrate (with the server stopped)", refused.ToString());

        sandbox.Normalized(sandbox.Run("operator", "migrate")).Is(0, $"Success! Encrypted {entries} entries of <root>/data under the static seal.\n");
        Assert.IsFalse(Directory.Exists(Path.Join(sandbox.Data, "core", "_migration")), "the migration's marker is gone");
        AssertNothingInTheClear(sandbox.Data, "clear-");
        sandbox.Run("read", "-field=value", "secret/foo").Is(0, "clear-bar");
        sandbox.Run("read", "-field=value", "secret/baz").Is(0, "clear-qux");
        sandbox.Run("write", "secret/new", "value=clear-new").Is(0, "Success! Data written to: secret/new\n");
        AssertNothingInTheClear(sandbox.Data, "clear-");

        // Again: already encrypted, nothing done.
        sandbox.Normalized(sandbox.Run("operator", "migrate")).Is(2, "", "Error migrating: the data directory <root>/data is already encrypted (under a static seal: the server and the embedded commands open it with its key file): there is nothing to migrate\n");
        sandbox.Run("read", "-field=value", "secret/new").Is(0, "clear-new");
    }

    [TestMethod]
    public async Task Migrate_WhileTheServerHoldsTheDataDirectory_SaysToStopItFirst()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        WriteKeyFile(sandbox);
        const string Seal = "seal \"static\" {\n  key_file = \"seal.key\"\n}\n";
        sandbox.WriteConfig(ServerConfig + Seal);
        sandbox.WriteConfig("data_directory = \"data\"\nlock_timeout = \"0s\"\n" + Seal, "offline.hcl");
        using var server = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
        await server.AddressAsync();

        sandbox.Normalized(sandbox.Run("operator", "migrate", "-config=offline.hcl")).Is(
            2,
            "",
            $"Error migrating: data directory '<root>/data' is in use by another process (pid {server.Process.Id}); stop the other host or use another data directory (operator migrate runs with the server stopped)\n");
    }

    [TestMethod]
    public async Task Migrate_KilledMidRun_IsFinishedByTheNextRun_AndEveryEntryReadsBack()
    {
        const int Count = 3000;
        using var sandbox = new Sandbox();

        // Written through the library's embedded host, as the embedded CLI writes (one process per write would take minutes).
        await using (var provider = EmbeddedHost(sandbox.Data, keyFile: null))
        {
            var host = provider.GetRequiredService<IPluginHost>();
            await host.WriteAsync("sys/mounts/secret", new { type = "kv" });
            for (var i = 0; i < Count; i++)
            {
                await host.WriteAsync($"secret/entry-{i:D4}", new { value = $"clear-{i}" });
            }
        }

        var firstEntry = EntryFiles(sandbox.Data).Single(f => Path.GetFileName(f) == "_entry-0000");
        var lastEntry = EntryFiles(sandbox.Data).Single(f => Path.GetFileName(f) == $"_entry-{Count - 1:D4}");
        var firstClear = File.ReadAllBytes(firstEntry);
        var lastClear = File.ReadAllBytes(lastEntry);
        var marker = Path.Join(sandbox.Data, "core", "_migration");
        WriteKeyFile(sandbox);
        sandbox.WriteConfig("plugin_directory = \"plugins\"\ndata_directory = \"data\"\nseal \"static\" {\n  key_file = \"seal.key\"\n}\n");

        // Entries are encrypted in key order: once the first one is, the run is under way; SIGKILL it then.
        using (var migrating = sandbox.Start(["operator", "migrate"]))
        {
            var started = Stopwatch.GetTimestamp();
            while (!(File.Exists(marker) && !File.ReadAllBytes(firstEntry).AsSpan().SequenceEqual(firstClear)))
            {
                Assert.IsFalse(migrating.HasExited, $"operator migrate ended before it could be killed: {migrating.StandardOutput.ReadToEnd()}{migrating.StandardError.ReadToEnd()}");
                Assert.IsLessThan(Wait, Stopwatch.GetElapsedTime(started), "operator migrate did not start encrypting");
                await Task.Delay(1);
            }

            migrating.Kill();
            await migrating.WaitForExitAsync();
        }

        Assert.IsTrue(File.Exists(marker), "the migration was interrupted");
        CollectionAssert.AreEqual(lastClear, File.ReadAllBytes(lastEntry), "the last entry was not reached");

        // The store reads as not initialized: refused until the migration is finished.
        var refused = sandbox.Run("read", "secret/entry-0000");
        Assert.AreEqual(2, refused.ExitCode, refused.ToString());
        StringAssert.Contains(refused.Stderr, "run plugin-host operator migrate", refused.ToString());

        var rerun = sandbox.Normalized(sandbox.Run("operator", "migrate"));
        Assert.AreEqual((0, ""), (rerun.ExitCode, rerun.Stderr), rerun.ToString());
        var encrypted = int.Parse(EncryptedCount().Match(rerun.Stdout).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsTrue(encrypted is > 0 and < Count, $"the rerun encrypted what was left: {rerun.Stdout}");
        Assert.IsFalse(File.Exists(marker));
        AssertNothingInTheClear(sandbox.Data, "clear-");
        StringAssert.Contains(sandbox.Normalized(sandbox.Run("operator", "migrate")).Stderr, "is already encrypted");

        sandbox.Run("read", "-field=value", $"secret/entry-{Count - 1:D4}").Is(0, $"clear-{Count - 1}");
        await using (var provider = EmbeddedHost(sandbox.Data, Path.Join(sandbox.Root, "seal.key")))
        {
            var host = provider.GetRequiredService<IPluginHost>();
            for (var i = 0; i < Count; i++)
            {
                var entry = await host.ReadAsync($"secret/entry-{i:D4}");
                Assert.AreEqual($"clear-{i}", entry?.Data?["value"].GetString(), $"secret/entry-{i:D4}");
            }
        }
    }

    [TestMethod]
    public async Task ServerKilledWhileRotatingUnderWrites_KeepsEveryAcknowledgedWrite()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.WriteConfig(ServerConfig);
        var server = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
        try
        {
            var (rootToken, unsealKey) = await server.InitializeAsync();
            var acknowledged = new ConcurrentQueue<string>();
            var rotations = 0;
            using (var http = await server.ClientAsync(rootToken))
            {
                await HttpExpect.StatusAsync(HttpStatusCode.NoContent, http.PostAsJsonAsync("sys/mounts/secret", new { type = "kv" }));

                // Four writers and a rotator until the server is killed under them; only answered writes count.
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
                {
                    for (var i = 0; !stop.IsCancellationRequested; i++)
                    {
                        var key = $"w{w}-{i}";
                        if (!await SucceedsAsync(() => http.PutAsJsonAsync($"secret/{key}", new { value = key }, stop.Token)))
                        {
                            return;
                        }

                        acknowledged.Enqueue(key);
                    }
                })).ToArray();
                var rotator = Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested && await SucceedsAsync(() => http.PutAsync("sys/rotate", null, stop.Token)))
                    {
                        Interlocked.Increment(ref rotations);
                    }
                });

                var started = Stopwatch.GetTimestamp();
                while (Volatile.Read(ref rotations) < 20 || acknowledged.Count < 300)
                {
                    Assert.IsLessThan(Wait, Stopwatch.GetElapsedTime(started), $"{rotations} rotations and {acknowledged.Count} writes so far");
                    Assert.IsTrue(writers.All(t => !t.IsCompleted) && !rotator.IsCompleted, "a writer or the rotator stopped before the kill");
                    await Task.Delay(10);
                }

                server.Process.Kill();
                await server.Process.WaitForExitAsync();
                await stop.CancelAsync();
                await Task.WhenAll([.. writers, rotator]);
            }

            server = await RestartAsync(sandbox, server);
            await server.UnsealAsync(unsealKey);
            using var again = await server.ClientAsync(rootToken);
            foreach (var key in acknowledged)
            {
                var read = await HttpExpect.StatusAsync(HttpStatusCode.OK, again.GetAsync($"secret/{key}"));
                Assert.AreEqual(key, read.GetProperty("data").GetProperty("value").GetString());
            }

            var term = (await HttpExpect.StatusAsync(HttpStatusCode.OK, again.GetAsync("sys/key-status"))).GetProperty("data").GetProperty("term").GetInt32();
            Assert.IsGreaterThanOrEqualTo(rotations + 1, term, "every acknowledged rotation is kept");
        }
        finally
        {
            server.Dispose();
        }
    }

    // SIGTERM, then the same config again (a new port: the config asks for any).
    private static async Task<ServerProcess> RestartAsync(Sandbox sandbox, ServerProcess server)
    {
        if (!server.Process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", server.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            Assert.IsTrue(server.Process.WaitForExit(Wait), "the server exits after SIGTERM");
        }

        server.Dispose();
        var restarted = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
        await restarted.Stdout.WaitForAsync(l => l.StartsWith("PluginHost is sealed", StringComparison.Ordinal), Wait);
        return restarted;
    }

    // Whether the request was answered with success; false once the server is gone (or the test stops sending).
    private static async Task<bool> SucceedsAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            Assert.IsTrue(response.IsSuccessStatusCode, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return true;
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    private static string StatusTable(bool initialized = true, bool isSealed = true, int shares = 0, int threshold = 0, string progress = "", string nonce = "")
    {
        var rows = new List<(string, string)>
        {
            ("Seal Type", "shamir"), ("Initialized", initialized ? "true" : "false"), ("Sealed", isSealed ? "true" : "false"),
            ("Total Shares", $"{shares}"), ("Threshold", $"{threshold}"),
        };
        if (isSealed)
        {
            rows.Add(("Unseal Progress", progress));
            rows.Add(("Unseal Nonce", nonce));
        }

        rows.AddRange([("Version", Version), ("Build Date", "n/a"), ("Storage Type", "file"), ("HA Enabled", "false")]);
        var width = rows.Max(r => r.Item1.Length);
        return $"{"Key".PadRight(width)}    Value\n{"---".PadRight(width)}    -----\n" + string.Concat(rows.Select(r => $"{r.Item1.PadRight(width)}    {r.Item2}\n"));
    }

    private static string StatusJson(int progress, string nonce) => $$"""
        {
          "type": "shamir",
          "initialized": true,
          "sealed": true,
          "t": 3,
          "n": 5,
          "progress": {{progress}},
          "nonce": "{{nonce}}",
          "version": "{{Version}}",
          "build_date": "",
          "migration": false,
          "recovery_seal": false,
          "storage_type": "file",
          "ha_enabled": false
        }

        """;

    private static string NonceOf(CliResult result)
    {
        var nonce = NonceLine().Match(result.Stdout);
        Assert.IsTrue(nonce.Success && nonce.Groups[1].Value != "n/a", result.ToString());
        return nonce.Groups[1].Value;
    }

    // The share with its first byte flipped: the same x-coordinate, another value, so the shares combine to a wrong key.
    private static string Tampered(string share)
    {
        var bytes = Convert.FromBase64String(share);
        bytes[0] ^= 0xff;
        return Convert.ToBase64String(bytes);
    }

    private static Regex KeyStatusTable(int term) =>
        new($"^Key Term            {term}\nInstall Time        \\d\\d [A-Z][a-z]{{2}} \\d\\d \\d\\d:\\d\\d UTC\nEncryption Count    \\d+\n$");

    // 32 random bytes, readable by the owner only (the static seal refuses a key file others can read).
    private static void WriteKeyFile(Sandbox sandbox)
    {
        var path = Path.Join(sandbox.Root, "seal.key");
        using (var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            file.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        }
    }

    // Every stored entry (FileStorage keeps key x/y/z in the file x/y/_z).
    private static string[] EntryFiles(string data) =>
        Directory.EnumerateFiles(data, "_*", SearchOption.AllDirectories).ToArray();

    private static void AssertNothingInTheClear(string data, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories))
        {
            Assert.AreEqual(-1, File.ReadAllBytes(file).AsSpan().IndexOf(needle), $"{file} holds \"{text}\" in the clear");
        }
    }

    // The library's host on the data directory, as embedded mode opens it (with the static seal of keyFile, if any).
    private static ServiceProvider EmbeddedHost(string data, string? keyFile)
    {
        var services = new ServiceCollection();
        var host = services.AddPluginHost(o => o.DataDirectory = data);
        if (keyFile is not null)
        {
            host.UseStaticSeal(keyFile);
        }

        return services.BuildServiceProvider();
    }

    [GeneratedRegex(@"^Unseal Key \d: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex UnsealKeyLine();

    [GeneratedRegex(@"^Initial Root Token: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex RootTokenLine();

    [GeneratedRegex(@"^Unseal Nonce +(\S+)$", RegexOptions.Multiline)]
    private static partial Regex NonceLine();

    [GeneratedRegex(@"^Success! Encrypted (\d+) entries of <root>/data under the static seal\.\n$")]
    private static partial Regex EncryptedCount();
}
