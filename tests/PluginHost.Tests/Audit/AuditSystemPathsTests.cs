using System.Text.Json;
using PluginHost.Audit;
using PluginHost.Sdk;
using PluginHost.SystemPaths;

namespace PluginHost.Tests.Audit;

/// <summary>Vault's sys/audit and sys/audit-hash requests, routed as the system backend will route them (paths relative to sys/).</summary>
[TestClass]
public sealed class AuditSystemPathsTests
{
    [TestMethod]
    public async Task EnableListHashDisable_AsVaultsApi()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        var paths = Table(broker);

        var enabled = await Send(paths, Operation.Update, "audit/file", $$"""{"type":"file","description":"all requests","options":{"file_path":{{JsonSerializer.Serialize(kit.PathOf("a.log"))}},"log_raw":false},"local":true}""");
        var listed = await Send(paths, Operation.Read, "audit");
        var hashed = await Send(paths, Operation.Update, "audit-hash/file", """{"input":"s3cret"}""");
        var salt = await kit.StoredSaltAsync("file/");
        var disabled = await Send(paths, Operation.Delete, "audit/file");
        var afterwards = await Send(paths, Operation.Read, "audit");

        Assert.IsNull(enabled);
        var device = listed!.Data!["file/"];
        CollectionAssert.AreEqual(new[] { "type", "description", "options", "local", "path" }, AuditTestKit.Names(device));
        Assert.AreEqual("file", device.GetProperty("type").GetString());
        Assert.AreEqual("all requests", device.GetProperty("description").GetString());
        Assert.AreEqual(kit.PathOf("a.log"), device.GetProperty("options").GetProperty("file_path").GetString());
        Assert.AreEqual("false", device.GetProperty("options").GetProperty("log_raw").GetString(), "options are strings, as Vault's");
        Assert.IsTrue(device.GetProperty("local").GetBoolean());
        Assert.AreEqual("file/", device.GetProperty("path").GetString());
        Assert.AreEqual(AuditTestKit.Hmac(salt, "s3cret"), hashed!.Data!["hash"].GetString());
        Assert.IsNull(disabled);
        Assert.IsEmpty(afterwards!.Data!);
    }

    [TestMethod]
    public async Task Errors_AreVaults()
    {
        await using var kit = new AuditTestKit();
        var paths = Table(kit.Broker());

        var noType = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await Send(paths, Operation.Update, "audit/file", """{"options":{"file_path":"discard"}}"""));
        var noFile = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await Send(paths, Operation.Update, "audit/file", """{"type":"file"}"""));
        var noDevice = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await Send(paths, Operation.Update, "audit-hash/file", """{"input":"x"}"""));
        await Send(paths, Operation.Update, "audit/file", """{"type":"file","options":{"file_path":"discard"}}""");
        var noInput = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await Send(paths, Operation.Update, "audit-hash/file", "{}"));
        var read = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await Send(paths, Operation.Read, "audit/file"));

        Assert.AreEqual("missing required field 'type'", noType.Message);
        Assert.AreEqual("\"file_path\" is required: invalid configuration", noFile.Message);
        Assert.AreEqual("unknown audit backend \"file/\"", noDevice.Message);
        Assert.AreEqual("the \"input\" parameter is empty", noInput.Message);
        Assert.AreEqual(ErrorCode.Unsupported, read.Code, "Vault has no read of one device");
        Assert.IsTrue(new[] { noType, noFile, noDevice, noInput }.All(e => e.Code == ErrorCode.BadRequest));
    }

    private static PathTable Table(AuditBroker broker) => new("System paths.", [.. new AuditSystemPaths(broker).Routes]);

    private static ValueTask<BackendResponse?> Send(PathTable paths, Operation operation, string path, string? body = null) =>
        paths.HandleAsync(new BackendRequest { Operation = operation, Path = path, Data = body is null ? null : AuditTestKit.Data(body) }, CancellationToken.None);
}
