using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace PluginHost.Http.Tests;

/// <summary>Audit devices through the whole pipeline: what a request leaves in the log, hashed, and that nothing un-audited happens.</summary>
[TestClass]
public sealed class AuditApiTests
{
    private string _directory = "";

    [TestInitialize]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("ph-audit-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private async Task<(ApiServer Server, string Log)> WithFileDeviceAsync()
    {
        var server = await ApiServer.StartAsync();
        var log = Path.Combine(_directory, "audit.log");
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/audit/file", JsonSerializer.Serialize(new { type = "file", options = new { file_path = log } })));
        return (server, log);
    }

    private static JsonElement[] Lines(string log) =>
        [.. File.ReadAllLines(log).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    [TestMethod]
    public async Task ARequestLeavesARequestAndAResponseLine_WithSecretsAndTokensHashed()
    {
        var (server, log) = await WithFileDeviceAsync();
        await using var _ = server;
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}"""));
        var before = Lines(log).Length;

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "secret/db", """{"password":"hunter2","port":5432}"""));

        var lines = Lines(log)[before..];
        Assert.HasCount(2, lines);
        Assert.AreEqual("request", lines[0].GetProperty("type").GetString());
        Assert.AreEqual("response", lines[1].GetProperty("type").GetString());
        var request = lines[0].GetProperty("request");
        Assert.AreEqual("secret/db", request.GetProperty("path").GetString());
        Assert.AreEqual("create", request.GetProperty("operation").GetString());
        Assert.AreEqual("secret/", request.GetProperty("mount_point").GetString());
        Assert.AreEqual("kv", request.GetProperty("mount_type").GetString());
        Assert.AreEqual(5432, request.GetProperty("data").GetProperty("port").GetInt32(), "numbers are not hashed");
        var hashedPassword = request.GetProperty("data").GetProperty("password").GetString()!;
        StringAssert.StartsWith(hashedPassword, "hmac-sha256:");

        var text = await File.ReadAllTextAsync(log);
        Assert.IsFalse(text.Contains("hunter2", StringComparison.Ordinal), "the secret value never reaches the log");
        Assert.IsFalse(text.Contains(ApiServer.RootToken, StringComparison.Ordinal), "nor the token");

        var hash = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "sys/audit-hash/file", """{"input":"hunter2"}"""));
        Assert.AreEqual(hashedPassword, hash.GetProperty("data").GetProperty("hash").GetString());
        var tokenHash = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "sys/audit-hash/file", JsonSerializer.Serialize(new { input = ApiServer.RootToken })));
        Assert.AreEqual(tokenHash.GetProperty("data").GetProperty("hash").GetString(), request.GetProperty("client_token").GetString());
    }

    [TestMethod]
    public async Task ADeniedRequest_IsRecordedWithItsError()
    {
        var (server, log) = await WithFileDeviceAsync();
        await using var _ = server;

        await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsAsync("hvs.not-a-token", "GET", "sys/mounts"));

        var last = Lines(log)[^1];
        Assert.AreEqual("request", last.GetProperty("type").GetString());
        Assert.AreEqual("permission denied", last.GetProperty("error").GetString());
        Assert.AreEqual("sys/mounts", last.GetProperty("request").GetProperty("path").GetString());
    }

    [TestMethod]
    public async Task ALoginsIssuedToken_IsHashedInTheResponseLine()
    {
        var (server, log) = await WithFileDeviceAsync();
        await using var _ = server;
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/auth/userpass", """{"type":"userpass"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "auth/userpass/users/alice", """{"password":"s3cret"}"""));

        var login = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(null, "POST", "auth/userpass/login/alice", """{"password":"s3cret"}"""));

        var token = login.GetProperty("auth").GetProperty("client_token").GetString()!;
        var text = await File.ReadAllTextAsync(log);
        Assert.IsFalse(text.Contains(token, StringComparison.Ordinal), "the issued token is hashed");
        Assert.IsFalse(text.Contains("s3cret", StringComparison.Ordinal), "the password is hashed");
        var response = Lines(log)[^1];
        StringAssert.StartsWith(response.GetProperty("auth").GetProperty("client_token").GetString(), "hmac-sha256:");
    }

    [TestMethod]
    public async Task WhenNoDeviceCanRecord_NothingHappens()
    {
        if (!File.Exists("/dev/full"))
        {
            Assert.Inconclusive("needs /dev/full (Linux), which fails every write with ENOSPC");
        }

        var counter = new CountingBackend();
        await using var server = await ApiServer.StartAsync(services: s => s.AddPluginHost().AddBuiltinPlugin("counter", BackendType.Secret, _ => counter));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/counted", """{"type":"counter"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/audit/full", """{"type":"file","options":{"file_path":"/dev/full","skip_test":"true"}}"""));

        var refused = await ApiServer.Expect(HttpStatusCode.InternalServerError, server.SendAsync("PUT", "counted/x", """{"v":"1"}"""));

        StringAssert.Contains(refused.GetProperty("errors")[0].GetString(), "no audit backend succeeded in logging the request");
        Assert.AreEqual(0, counter.Requests, "the backend never saw the request");

        // Vault's rule covers the system paths too: not even a new device can be enabled while none records.
        await ApiServer.Expect(HttpStatusCode.InternalServerError, server.SendAsync("PUT", "sys/audit/other", JsonSerializer.Serialize(new { type = "file", options = new { file_path = Path.Combine(_directory, "other.log") } })));
        await ApiServer.Expect(HttpStatusCode.InternalServerError, server.SendAsync("GET", "sys/audit"));
    }

    [TestMethod]
    public async Task Devices_AreListedWithVaultsShape_AndDisabled()
    {
        var (server, log) = await WithFileDeviceAsync();
        await using var _ = server;

        var list = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/audit"));
        var device = list.GetProperty("data").GetProperty("file/");
        Assert.AreEqual("file", device.GetProperty("type").GetString());
        Assert.AreEqual(log, device.GetProperty("options").GetProperty("file_path").GetString());
        Assert.IsTrue(list.TryGetProperty("file/", out JsonElement _), "repeated at the top level, as Vault does");

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("DELETE", "sys/audit/file"));
        var after = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/audit"));
        Assert.IsFalse(after.GetProperty("data").TryGetProperty("file/", out JsonElement _));
    }

    [TestMethod]
    public async Task EnablingAuditNeedsSudo()
    {
        await using var server = await ApiServer.StartAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policies/acl/auditor", """{"policy":"path \"sys/audit*\" { capabilities = [\"create\", \"read\", \"update\", \"delete\"] }"}"""));
        var created = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "auth/token/create", """{"policies":["auditor"]}"""));
        var token = created.GetProperty("auth").GetProperty("client_token").GetString();

        await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsAsync(token, "GET", "sys/audit"));
        await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsAsync(token, "PUT", "sys/audit/file", """{"type":"file","options":{"file_path":"discard"}}"""));
    }

    /// <summary>A secrets engine that counts the requests it serves.</summary>
    private sealed class CountingBackend : IBackend
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public BackendType Type => BackendType.Secret;

        public SpecialPaths SpecialPaths => SpecialPaths.None;

        public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return ValueTask.FromResult<BackendResponse?>(null);
        }

        public ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<bool?>(null);

        public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CleanupAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
