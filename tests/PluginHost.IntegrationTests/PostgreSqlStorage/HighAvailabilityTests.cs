using PluginHost.Authorization;
using PluginHost.HighAvailability;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;
using PluginHost.Tests.Postgres;

namespace PluginHost.IntegrationTests.PostgreSqlStorage;

/// <summary>
/// Hosts sharing a real PostgreSQL store with HA on: one active node serves and runs the mounts, the others are
/// standbys that know where it is; it is replaced when it stops, steps down, is sealed or loses the lock; the store is
/// initialized once under the lock; a standby taking over sees the keyring the old active node rotated.
/// </summary>
[TestClass]
public sealed class HighAvailabilityTests : SharedPostgresTests
{
    [TestMethod]
    public async Task OneNodeIsActive_StandbysKnowIt_AndRefuseToServe()
    {
        await using var cluster = await HaCluster.StartAsync(Cluster, 3);

        var active = await cluster.ActiveAsync();

        foreach (var node in cluster.Nodes)
        {
            var leader = (await node.Host.ReadAsync("sys/leader", Token))!.Data!;
            Assert.IsTrue(leader["ha_enabled"].GetBoolean());
            Assert.AreEqual(node == active, leader["is_self"].GetBoolean());
            Assert.AreEqual(active.Address, leader["leader_address"].GetString());
            Assert.AreEqual("postgresql", (await node.Host.ReadAsync("sys/seal-status", Token))!.Data!["storage_type"].GetString());
            if (node != active)
            {
                Assert.AreEqual("0001-01-01T00:00:00Z", leader["active_time"].GetString());
                var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await node.Host.ReadAsync("sys/mounts", Token));
                Assert.AreEqual(ErrorCode.Unavailable, refused.Code);
                Assert.AreEqual($"Vault is in standby mode: send requests to the active node, {active.Address}", refused.Message);
            }
        }

        Assert.IsNotNull(await active.Host.ReadAsync("sys/mounts", Token));
        List<System.Text.Json.JsonElement> status = [];
        await Eventually.TrueAsync(
            async () =>
            {
                status = [.. (await active.Host.ReadAsync("sys/ha-status", Token))!.Data!["nodes"].EnumerateArray()];
                return status.Count == cluster.Nodes.Count;
            },
            "every node has sent its heartbeat");
        CollectionAssert.AreEquivalent(cluster.Nodes.Select(n => n.Address).ToArray(), status.Select(n => n.GetProperty("api_address").GetString()).ToArray());
        Assert.AreEqual(active.Address, status.Single(n => n.GetProperty("active_node").GetBoolean()).GetProperty("api_address").GetString());
    }

    [TestMethod]
    public async Task TheActiveNodeStops_AStandbyTakesOver_WithTheMountsAndTheirData()
    {
        await using var cluster = await HaCluster.StartAsync(Cluster, 2);
        var first = await cluster.ActiveAsync();
        await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" }, Token);
        await first.Host.WriteAsync("secret/app", new { password = "s3cret" }, Token);

        await first.StopAsync();
        var second = await cluster.ActiveAsync();

        Assert.AreNotEqual(first, second);
        Assert.AreEqual("s3cret", (await second.Host.ReadAsync("secret/app", Token))!.Data!["password"].GetString());
        Assert.IsTrue(second.Logs.Entries.Any(e => e.Message.Contains("took the HA lock: this node is active", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task StepDown_HandsTheLockToAStandby_WhichServesTheSameData()
    {
        await using var cluster = await HaCluster.StartAsync(Cluster, 2);
        var first = await cluster.ActiveAsync();
        await first.Host.WriteAsync("sys/policy/app", new { policy = "path \"secret/*\" { capabilities = [\"read\"] }" }, Token);

        await first.Host.WriteAsync("sys/step-down", new { }, Token);
        await Eventually.TrueAsync(() => Task.FromResult(first.Ha.State != HaNodeState.Active), "the active node steps down");

        var second = await cluster.ActiveAsync();
        Assert.AreNotEqual(first, second);
        Assert.AreEqual(HaNodeState.Standby, first.Ha.State);
        StringAssert.Contains((await second.Host.ReadAsync("sys/policy/app", Token))!.Data!["rules"].GetString(), "secret/*");
        Assert.IsTrue(first.Logs.Entries.Any(e => e.Message.Contains("no longer active (stepped down)", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task WhatTheActiveNodeChanged_IsWhatTheNextOneServes_RevokedTokensAndDisabledMountsIncluded()
    {
        await using var cluster = await HaCluster.StartAsync(Cluster, 2);
        var first = await cluster.ActiveAsync();
        await first.Host.WriteAsync("sys/mounts/kept", new { type = "kv" }, Token);
        await first.Host.WriteAsync("sys/mounts/gone", new { type = "kv" }, Token);
        await first.Host.DeleteAsync("sys/mounts/gone", Token);
        await first.Host.WriteAsync("kept/app", new { value = "v1" }, Token);
        await first.Host.WriteAsync("sys/policies/acl/reader", new { policy = """path "kept/*" { capabilities = ["read"] }""" }, Token);
        var kept = await CreateTokenAsync(first, "reader");
        var revoked = await CreateTokenAsync(first, "reader");
        await first.Host.WriteAsync("auth/token/revoke", new { token = revoked }, Token);

        await first.StopAsync();
        var second = await cluster.ActiveAsync();

        var read = new BackendRequest { Operation = Operation.Read, Path = "kept/app" };
        Assert.AreEqual("v1", (await second.Host.HandleRequestAsync(read, RequestCaller.FromToken(kept), Token)).Response!.Data!["value"].GetString());
        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await second.Host.HandleRequestAsync(read, RequestCaller.FromToken(revoked), Token));
        Assert.AreEqual(ErrorCode.Forbidden, refused.Code);
        var mounts = (await second.Host.ReadAsync("sys/mounts", Token))!.Data!;
        Assert.IsTrue(mounts.ContainsKey("kept/"));
        Assert.IsFalse(mounts.ContainsKey("gone/"), "a mount disabled on the old active node stays disabled");
    }

    // Two Shamir-sealed nodes: initialized through the first, both unsealed, one active and the other a standby.
    private async Task<(HaCluster Cluster, string RootToken, HaCluster.Node Active, HaCluster.Node Standby)> ShamirActiveAndStandbyAsync()
    {
        var cluster = await HaCluster.StartAsync(Cluster, 2, seal: b => b.UseShamirSeal());
        var init = (await cluster.Nodes[0].Host.WriteAsync("sys/init", new { secret_shares = 1, secret_threshold = 1 }, Token))!.Data!;
        foreach (var node in cluster.Nodes)
        {
            await node.Host.WriteAsync("sys/unseal", new { key = init["keys_base64"][0].GetString() }, Token);
        }

        var active = await cluster.ActiveAsync();
        var standby = cluster.Nodes.Single(n => n != active);
        await Eventually.TrueAsync(() => Task.FromResult(standby.Ha.State == HaNodeState.Standby), "the other node is a standby");
        return (cluster, init["root_token"].GetString()!, active, standby);
    }

    private async Task<string> CreateTokenAsync(HaCluster.Node node, string policy) =>
        (await node.Host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Update, Path = "auth/token/create", Data = Fields(new { policies = new[] { policy } }) },
            RequestCaller.Application,
            Token)).Auth!.ClientToken;

    [TestMethod]
    public async Task ALostLock_StopsTheNodeServingAtOnce()
    {
        await using var cluster = await HaCluster.StartAsync(Cluster, 1);
        var node = await cluster.ActiveAsync();

        // Another node (as the database sees it) holds the lock now: the next renewal finds out.
        await Cluster.AdminExecuteAsync(Token, $"UPDATE {cluster.Storage.HaTable} SET ha_identity = 'intruder', ha_value = 'http://elsewhere:8200', valid_until = now() + interval '1 hour' WHERE ha_key = 'core/lock'");

        await Eventually.TrueAsync(() => Task.FromResult(node.Ha.State == HaNodeState.Standby), "the node notices", TimeSpan.FromSeconds(15));
        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await node.Host.ReadAsync("sys/mounts", Token));
        StringAssert.Contains(refused.Message, "Vault is in standby mode");
        // The state turns standby first; the line is logged once serving has stopped.
        await Eventually.TrueAsync(
            () => Task.FromResult(node.Logs.Entries.Any(e => e.Message.Contains("no longer active (lost to another node)", StringComparison.Ordinal))),
            "the node logs why it stopped");
        await Eventually.TrueAsync(() => Task.FromResult(node.Ha.Leader?.Address == "http://elsewhere:8200"), "it knows the new holder");
    }

    [TestMethod]
    public async Task Shamir_InitOnOneNode_EachUnseals_SealingTheActiveHandsOver_AndARotatedKeyringIsSeen()
    {
        await using var cluster = await HaCluster.StartAsync(Cluster, 2, seal: b => b.UseShamirSeal());
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await Eventually.TrueAsync(() => Task.FromResult(a.Ha.State == HaNodeState.Sealed && b.Ha.State == HaNodeState.Sealed), "both are sealed");

        var init = (await a.Host.WriteAsync("sys/init", new { secret_shares = 1, secret_threshold = 1 }, Token))!.Data!;
        var key = init["keys_base64"][0].GetString()!;
        var again = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await b.Host.WriteAsync("sys/init", new { secret_shares = 1, secret_threshold = 1 }, Token));
        Assert.AreEqual("Vault is already initialized", again.Message);
        Assert.IsNull(await cluster.LockHolderAsync(), "initializing released the lock");

        await a.Host.WriteAsync("sys/unseal", new { key }, Token);
        var first = await cluster.ActiveAsync();
        Assert.AreEqual(a, first, "the only unsealed node takes the lock");
        Assert.AreEqual(HaNodeState.Sealed, b.Ha.State, "a sealed node does not try");
        await b.Host.WriteAsync("sys/unseal", new { key }, Token);
        await cluster.ActiveAsync();

        // Rotated on the active node, then written with the new term: the next active node must read it.
        await a.Host.WriteAsync("sys/rotate", new { }, Token);
        await a.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "kv" }, Token);
        await a.Host.WriteAsync("kv/after-rotation", new { value = "term 2" }, Token);

        await a.Host.WriteAsync("sys/seal", new { }, Token);
        await Eventually.TrueAsync(() => Task.FromResult(a.Ha.State == HaNodeState.Sealed), "the sealed node leaves the lock");
        var second = await cluster.ActiveAsync();

        Assert.AreEqual(b, second);
        Assert.AreEqual(HaNodeState.Sealed, a.Ha.State);
        Assert.AreEqual("term 2", (await b.Host.ReadAsync("kv/after-rotation", Token))!.Data!["value"].GetString());
        Assert.AreEqual(2, (await b.Host.ReadAsync("sys/key-status", Token))!.Data!["term"].GetInt64());
    }

    [TestMethod]
    public async Task SealingAStandby_NeedsATokenWithSudo_ReadFromTheStore()
    {
        var (cluster, rootToken, active, standby) = await ShamirActiveAndStandbyAsync();
        await using var _ = cluster;
        var seal = new BackendRequest { Operation = Operation.Update, Path = "sys/seal" };

        var anonymous = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await standby.Host.HandleRequestAsync(seal, RequestCaller.FromToken(null), Token));
        var forged = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await standby.Host.HandleRequestAsync(seal, RequestCaller.FromToken("hvs.forged"), Token));

        Assert.AreEqual(ErrorCode.Forbidden, anonymous.Code);
        Assert.AreEqual(ErrorCode.Forbidden, forged.Code);
        Assert.AreEqual(HaNodeState.Standby, standby.Ha.State);
        await standby.Host.HandleRequestAsync(seal, RequestCaller.FromToken(rootToken), Token);
        await Eventually.TrueAsync(() => Task.FromResult(standby.Ha.State == HaNodeState.Sealed), "the standby is sealed");
        Assert.IsTrue((await standby.Host.ReadAsync("sys/seal-status", Token))!.Data!["sealed"].GetBoolean());
        Assert.AreEqual(HaNodeState.Active, active.Ha.State, "sealing a standby leaves the active node alone");
    }

    [TestMethod]
    public async Task AStandby_SeesTheKeyringTheActiveNodeRotated_ThroughTheChangeFeed()
    {
        var (cluster, rootToken, active, standby) = await ShamirActiveAndStandbyAsync();
        await using var _ = cluster;
        var root = RequestCaller.FromToken(rootToken);

        // A token written after the rotation is encrypted with the new term, which the standby must have to read it.
        await active.Host.WriteAsync("sys/rotate", new { }, Token);
        await active.Host.WriteAsync("sys/policies/acl/sealer", new { policy = """path "sys/seal" { capabilities = ["update", "sudo"] }""" }, Token);
        var sealer = (await active.Host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Update, Path = "auth/token/create", Data = Fields(new { policies = new[] { "sealer" } }) }, root, Token)).Auth!.ClientToken;

        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await standby.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Update, Path = "sys/seal" }, RequestCaller.FromToken(sealer), Token);
                    return true;
                }
                catch (PluginHostException notYet) when (notYet.Code == ErrorCode.Forbidden || notYet.Code == ErrorCode.Internal)
                {
                    TestContext.WriteLine(notYet.Message);
                    return false;
                }
            },
            "the standby reads a token written with the rotated key, and seals",
            TimeSpan.FromSeconds(5));

        Assert.IsTrue((await standby.Host.ReadAsync("sys/seal-status", Token))!.Data!["sealed"].GetBoolean());
    }

    [TestMethod]
    public async Task Shamir_InitOnTwoNodesAtOnce_OneWins()
    {
        await using var cluster = await HaCluster.StartAsync(Cluster, 2, seal: b => b.UseShamirSeal());

        var results = await Task.WhenAll(cluster.Nodes.Select(async node =>
        {
            try
            {
                await node.Host.WriteAsync("sys/init", new { secret_shares = 1, secret_threshold = 1 }, Token);
                return "ok";
            }
            catch (PluginHostException refused)
            {
                return refused.Message;
            }
        }));

        Assert.AreEqual(1, results.Count(r => r == "ok"), string.Join(" | ", results));
        var loser = results.Single(r => r != "ok");
        Assert.IsTrue(loser is "Vault is already initialized" || loser.StartsWith("another node sharing this storage holds the HA lock", StringComparison.Ordinal), loser);
    }

    [TestMethod]
    public async Task StaticSeal_NodesOnAnEmptyStore_InitializeItOnce_AndShareIt()
    {
        var keyFile = Path.Combine(Directory.CreateTempSubdirectory("pluginhost-ha-key-").FullName, "unseal.key");
        await File.WriteAllBytesAsync(keyFile, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), Token);
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var cluster = await HaCluster.StartAsync(Cluster, 3, seal: b => b.UseStaticSeal(keyFile));

        var first = await cluster.ActiveAsync();
        await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "kv" }, Token);
        await first.Host.WriteAsync("kv/shared", new { value = "one keyring" }, Token);
        await first.StopAsync();

        var second = await cluster.ActiveAsync();
        Assert.AreEqual("one keyring", (await second.Host.ReadAsync("kv/shared", Token))!.Data!["value"].GetString());
        var status = (await cluster.Nodes.First(n => !n.Stopped && n != second).Host.ReadAsync("sys/seal-status", Token))!.Data!;
        Assert.AreEqual("static", status["type"].GetString());
        Assert.IsFalse(status["sealed"].GetBoolean(), "a standby with the right key is unsealed");
        Assert.IsTrue(status["initialized"].GetBoolean());
    }

    [TestMethod]
    public async Task StaticSeal_ANodeWithAnotherKey_IsSealed_AndNeverTakesTheLock()
    {
        var directory = Directory.CreateTempSubdirectory("pluginhost-ha-key-").FullName;
        var (good, bad) = (Path.Combine(directory, "good.key"), Path.Combine(directory, "bad.key"));
        foreach (var file in new[] { good, bad })
        {
            await File.WriteAllBytesAsync(file, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), Token);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await using var cluster = await HaCluster.StartAsync(Cluster, 1, seal: b => b.UseStaticSeal(good));
        var first = await cluster.ActiveAsync();
        await first.Host.WriteAsync("sys/policy/x", new { policy = "path \"x\" { capabilities = [\"read\"] }" }, Token);
        await first.StopAsync();

        // The only node left has the wrong key: it must stay sealed rather than serve (or initialize anything).
        var wrong = cluster.AddNode(b => b.UseStaticSeal(bad));
        await Eventually.TrueAsync(() => Task.FromResult(wrong.Ha.State == HaNodeState.Sealed), "the node with the wrong key is sealed");
        await Task.Delay(HaCluster.Ttl, Token);
        Assert.AreEqual(HaNodeState.Sealed, wrong.Ha.State);
        Assert.IsNull(await cluster.LockHolderAsync());
    }

    private static Dictionary<string, System.Text.Json.JsonElement> Fields(object data) =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(System.Text.Json.JsonSerializer.Serialize(data))!;
}
