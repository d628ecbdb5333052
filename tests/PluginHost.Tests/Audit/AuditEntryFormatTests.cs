using System.Text.Json;

namespace PluginHost.Tests.Audit;

/// <summary>The lines a file device writes, parsed back and compared with Vault's field names, order and hashing.</summary>
[TestClass]
public sealed class AuditEntryFormatTests
{
    [TestMethod]
    public async Task RequestEntry_HasVaultsFieldsInOrder_TokensAndDataStringsHashed_NumbersKept()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file");
        var salt = await kit.StoredSaltAsync("file/");

        await broker.LogRequestAsync(AuditSamples.KvWrite(), CancellationToken.None);

        var line = kit.Lines("file")[^1];
        CollectionAssert.AreEqual(new[] { "time", "auth", "request", "type" }, AuditTestKit.Names(line));
        Assert.AreEqual("2026-01-02T03:04:05.678Z", line.GetProperty("time").GetString());
        Assert.AreEqual("request", line.GetProperty("type").GetString());

        var auth = line.GetProperty("auth");
        CollectionAssert.AreEqual(
            new[] { "accessor", "client_token", "display_name", "metadata", "policies", "token_policies", "token_issue_time", "token_ttl", "token_type" },
            AuditTestKit.Names(auth));
        Assert.AreEqual(AuditTestKit.Hmac(salt, "hvs.alice-token"), auth.GetProperty("client_token").GetString());
        Assert.AreEqual(AuditTestKit.Hmac(salt, "alice-accessor"), auth.GetProperty("accessor").GetString());
        Assert.AreEqual("userpass-alice", auth.GetProperty("display_name").GetString());
        Assert.AreEqual("alice", auth.GetProperty("metadata").GetProperty("username").GetString(), "Vault does not hash metadata");
        Assert.AreEqual("""["default","team"]""", auth.GetProperty("policies").GetRawText());
        Assert.AreEqual("2026-01-01T00:00:00Z", auth.GetProperty("token_issue_time").GetString());
        Assert.AreEqual(3600, auth.GetProperty("token_ttl").GetInt64());
        Assert.AreEqual("service", auth.GetProperty("token_type").GetString());

        var request = line.GetProperty("request");
        CollectionAssert.AreEqual(
            new[]
            {
                "client_token", "client_token_accessor", "data", "id", "mount_accessor", "mount_point", "mount_type", "namespace",
                "operation", "path", "remote_address", "remote_port",
            },
            AuditTestKit.Names(request));
        Assert.AreEqual(AuditTestKit.Hmac(salt, "hvs.alice-token"), request.GetProperty("client_token").GetString());
        Assert.AreEqual(AuditTestKit.Hmac(salt, "alice-accessor"), request.GetProperty("client_token_accessor").GetString());
        Assert.AreEqual("req-1", request.GetProperty("id").GetString());
        Assert.AreEqual("kv_1234abcd", request.GetProperty("mount_accessor").GetString());
        Assert.AreEqual("secret/", request.GetProperty("mount_point").GetString());
        Assert.AreEqual("kv", request.GetProperty("mount_type").GetString());
        Assert.AreEqual("""{"id":"root"}""", request.GetProperty("namespace").GetRawText());
        Assert.AreEqual("update", request.GetProperty("operation").GetString());
        Assert.AreEqual("secret/foo", request.GetProperty("path").GetString());
        Assert.AreEqual("127.0.0.1", request.GetProperty("remote_address").GetString());
        Assert.AreEqual(54321, request.GetProperty("remote_port").GetInt32());

        var data = request.GetProperty("data");
        Assert.AreEqual(AuditTestKit.Hmac(salt, "s3cret"), data.GetProperty("password").GetString());
        Assert.AreEqual(30, data.GetProperty("ttl").GetInt32(), "numbers are not hashed");
        Assert.IsTrue(data.GetProperty("enabled").GetBoolean(), "booleans are not hashed");
        var nested = data.GetProperty("nested");
        var list = nested.GetProperty("list");
        Assert.AreEqual(AuditTestKit.Hmac(salt, "a"), list[0].GetString(), "strings in arrays are hashed");
        Assert.AreEqual(1, list[1].GetInt32());
        Assert.AreEqual(JsonValueKind.Null, list[2].ValueKind);
        Assert.AreEqual(AuditTestKit.Hmac(salt, "p\u00e4ss"), nested.GetProperty("k\"q").GetString(), "escaped keys are kept, escaped values hashed as decoded");
    }

    [TestMethod]
    public async Task ResponseEntry_AddsTheResponseWithMountDataAndWarnings_AndTheError()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file");
        var salt = await kit.StoredSaltAsync("file/");

        await broker.LogResponseAsync(AuditSamples.KvRead() with { Error = "permission denied" }, CancellationToken.None);

        var line = kit.Lines("file")[^1];
        CollectionAssert.AreEqual(new[] { "time", "auth", "error", "request", "response", "type" }, AuditTestKit.Names(line));
        Assert.AreEqual("permission denied", line.GetProperty("error").GetString(), "Vault does not hash the error");
        Assert.AreEqual("response", line.GetProperty("type").GetString());
        Assert.IsFalse(line.GetProperty("request").TryGetProperty("data", out _), "no request data: left out, as Vault's omitempty");

        var response = line.GetProperty("response");
        CollectionAssert.AreEqual(new[] { "data", "mount_accessor", "mount_point", "mount_type", "warnings" }, AuditTestKit.Names(response));
        Assert.AreEqual(AuditTestKit.Hmac(salt, "s3cret"), response.GetProperty("data").GetProperty("password").GetString());
        Assert.AreEqual(2, response.GetProperty("data").GetProperty("version").GetInt32());
        Assert.AreEqual("plain warning", response.GetProperty("warnings")[0].GetString());
        Assert.AreEqual("secret/", response.GetProperty("mount_point").GetString());
    }

    [TestMethod]
    public async Task Login_RequestHasDefaultAuth_ResponseShowsTheIssuedTokenHashed_TopLevelAndInResponse()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file");
        var salt = await kit.StoredSaltAsync("file/");

        await broker.LogRequestAsync(AuditSamples.Login(), CancellationToken.None);
        await broker.LogResponseAsync(AuditSamples.Login(), CancellationToken.None);

        var lines = kit.Lines("file");
        Assert.AreEqual("""{"token_type":"default"}""", lines[^2].GetProperty("auth").GetRawText(), "an unauthenticated request, as Vault writes it");
        Assert.AreEqual(AuditTestKit.Hmac(salt, "hunter2"), lines[^2].GetProperty("request").GetProperty("data").GetProperty("password").GetString());
        foreach (var auth in new[] { lines[^1].GetProperty("auth"), lines[^1].GetProperty("response").GetProperty("auth") })
        {
            Assert.AreEqual(AuditTestKit.Hmac(salt, "hvs.new-token"), auth.GetProperty("client_token").GetString());
            Assert.AreEqual(AuditTestKit.Hmac(salt, "new-accessor"), auth.GetProperty("accessor").GetString());
            Assert.AreEqual("userpass-alice", auth.GetProperty("display_name").GetString());
        }

        Assert.IsFalse(lines[^1].GetProperty("response").TryGetProperty("data", out _));
    }

    [TestMethod]
    public async Task DistinctTokensInOneEntry_EachIsHashedFromItsOwnValue()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file");
        var salt = await kit.StoredSaltAsync("file/");
        var entry = AuditSamples.Login() with
        {
            Auth = AuditSamples.Alice,
            Request = AuditSamples.Login().Request with { ClientToken = "hvs.other", ClientTokenAccessor = "alice-accessor" },
        };

        await broker.LogResponseAsync(entry, CancellationToken.None);

        var line = kit.Lines("file")[^1];
        Assert.AreEqual(AuditTestKit.Hmac(salt, "hvs.alice-token"), line.GetProperty("auth").GetProperty("client_token").GetString());
        Assert.AreEqual(AuditTestKit.Hmac(salt, "alice-accessor"), line.GetProperty("auth").GetProperty("accessor").GetString());
        Assert.AreEqual(AuditTestKit.Hmac(salt, "hvs.other"), line.GetProperty("request").GetProperty("client_token").GetString());
        Assert.AreEqual(AuditTestKit.Hmac(salt, "alice-accessor"), line.GetProperty("request").GetProperty("client_token_accessor").GetString());
        Assert.AreEqual(AuditTestKit.Hmac(salt, "hvs.new-token"), line.GetProperty("response").GetProperty("auth").GetProperty("client_token").GetString());
        Assert.AreEqual(AuditTestKit.Hmac(salt, "new-accessor"), line.GetProperty("response").GetProperty("auth").GetProperty("accessor").GetString());
    }

    [TestMethod]
    public async Task LogRaw_WritesEveryValueAsItIs()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file", ("log_raw", "true"));

        await broker.LogResponseAsync(AuditSamples.KvRead() with { Request = AuditSamples.KvWrite().Request }, CancellationToken.None);

        var line = kit.Lines("file")[^1];
        Assert.AreEqual("hvs.alice-token", line.GetProperty("auth").GetProperty("client_token").GetString());
        Assert.AreEqual("alice-accessor", line.GetProperty("auth").GetProperty("accessor").GetString());
        Assert.AreEqual("hvs.alice-token", line.GetProperty("request").GetProperty("client_token").GetString());
        Assert.AreEqual("s3cret", line.GetProperty("request").GetProperty("data").GetProperty("password").GetString());
        Assert.AreEqual("p\u00e4ss", line.GetProperty("request").GetProperty("data").GetProperty("nested").GetProperty("k\"q").GetString());
        Assert.AreEqual("s3cret", line.GetProperty("response").GetProperty("data").GetProperty("password").GetString());
    }

    [TestMethod]
    public async Task HmacAccessorFalse_WritesAccessorsRaw_TokensStillHashed()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file", ("hmac_accessor", "false"));
        var salt = await kit.StoredSaltAsync("file/");

        await broker.LogResponseAsync(AuditSamples.Login() with { Auth = AuditSamples.Alice }, CancellationToken.None);

        var line = kit.Lines("file")[^1];
        Assert.AreEqual("alice-accessor", line.GetProperty("auth").GetProperty("accessor").GetString());
        Assert.AreEqual(AuditTestKit.Hmac(salt, "hvs.alice-token"), line.GetProperty("auth").GetProperty("client_token").GetString());
        Assert.AreEqual("new-accessor", line.GetProperty("response").GetProperty("auth").GetProperty("accessor").GetString());
        Assert.AreEqual(AuditTestKit.Hmac(salt, "hvs.new-token"), line.GetProperty("response").GetProperty("auth").GetProperty("client_token").GetString());
    }

    [TestMethod]
    public async Task Prefix_PrecedesEachJsonLine()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file", ("prefix", "vault-audit: "));

        await broker.LogRequestAsync(AuditSamples.KvWrite(), CancellationToken.None);

        var lines = File.ReadAllLines(kit.PathOf("file.log"));
        Assert.HasCount(2, lines, "the enable-time test entry and the request");
        foreach (var line in lines)
        {
            StringAssert.StartsWith(line, "vault-audit: {\"time\":");
            _ = JsonDocument.Parse(line["vault-audit: ".Length..]);
        }
    }

    [TestMethod]
    public async Task ElideListResponses_WritesTheCountOfKeys_OnlyForLists()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file", ("elide_list_responses", "true"));
        var listed = AuditSamples.KvRead() with
        {
            Request = AuditSamples.KvRead().Request with { Operation = Operation.List },
            Response = BackendResponse.ForList(["a", "b/", "c"]),
        };

        await broker.LogResponseAsync(listed, CancellationToken.None);
        await broker.LogResponseAsync(listed with { Request = listed.Request with { Operation = Operation.Read } }, CancellationToken.None);

        var lines = kit.Lines("file");
        Assert.AreEqual(3, lines[^2].GetProperty("response").GetProperty("data").GetProperty("keys").GetInt32());
        Assert.AreEqual(JsonValueKind.Array, lines[^1].GetProperty("response").GetProperty("data").GetProperty("keys").ValueKind);
    }

    [TestMethod]
    public async Task EnableWritesVaultsTestEntry_UnlessSkipTest()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();

        await kit.EnableFileAsync(broker, "tested");
        await kit.EnableFileAsync(broker, "skipped", ("skip_test", "true"));

        var probe = kit.Lines("tested").Single();
        Assert.AreEqual("""{"token_type":"default"}""", probe.GetProperty("auth").GetRawText());
        Assert.AreEqual("sys/audit/test", probe.GetProperty("request").GetProperty("path").GetString());
        Assert.AreEqual("update", probe.GetProperty("request").GetProperty("operation").GetString());
        Assert.IsTrue(Guid.TryParse(probe.GetProperty("request").GetProperty("id").GetString(), out _));
        Assert.AreEqual("2026-01-01T00:00:00Z", probe.GetProperty("time").GetString(), "the broker's clock");
        Assert.AreEqual(0, new FileInfo(kit.PathOf("skipped.log")).Length, "created at enable, nothing written");
    }

    [TestMethod]
    public async Task HashAsync_MatchesTheLogAndAnIndependentHmac_WithEachDevicesOwnSalt()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "one");
        await kit.EnableFileAsync(broker, "two");
        await broker.LogRequestAsync(AuditSamples.KvWrite(), CancellationToken.None);

        var one = await broker.HashAsync("one", "s3cret", CancellationToken.None);
        var two = await broker.HashAsync("/two/", "s3cret", CancellationToken.None);

        Assert.AreEqual(AuditTestKit.Hmac(await kit.StoredSaltAsync("one/"), "s3cret"), one);
        Assert.AreEqual(one, kit.Lines("one")[^1].GetProperty("request").GetProperty("data").GetProperty("password").GetString());
        Assert.AreEqual(two, kit.Lines("two")[^1].GetProperty("request").GetProperty("data").GetProperty("password").GetString());
        Assert.AreNotEqual(one, two, "each device has its own salt");
        Assert.MatchesRegex("^hmac-sha256:[0-9a-f]{64}$", one);
    }
}
