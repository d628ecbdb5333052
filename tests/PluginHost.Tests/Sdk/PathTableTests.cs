using System.Text.RegularExpressions;
using PluginHost.Sdk;
using static PluginHost.Tests.Backends.BackendTestContext;

namespace PluginHost.Tests.Sdk;

[TestClass]
public sealed class PathTableTests
{
    private static readonly PathTable Table = new("Backend overview.",
    [
        new PathRoute
        {
            Pattern = new Regex("^users/(?<name>[^/]+)$"),
            Handlers = new Dictionary<Operation, PathHandler>
            {
                [Operation.Read] = (_, fields, _) => ValueTask.FromResult<BackendResponse?>(
                    BackendResponse.WithData([new KeyValuePair<string, object?>("name", fields.GetString("name"))])),
            },
            ExistenceCheck = (_, fields, _) => ValueTask.FromResult(fields.GetString("name") == "alice"),
            Synopsis = "Manage users.",
            Description = "Users have names.",
        },
        new PathRoute
        {
            Pattern = new Regex("^config$"),
            Handlers = new Dictionary<Operation, PathHandler>(),
            Synopsis = "Configure.",
        },
    ]);

    [TestMethod]
    public async Task Handle_MatchingPath_PassesCapturesToTheHandler()
    {
        var response = await Table.HandleAsync(Request(Operation.Read, "users/bob"), CancellationToken.None);
        Assert.AreEqual("bob", response.Field("name"));
    }

    [TestMethod]
    [DataRow("users/bob/extra")]
    [DataRow("nope")]
    public async Task Handle_UnknownPath_IsNotFoundWithVaultMessage(string path)
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await Table.HandleAsync(Request(Operation.Read, path), CancellationToken.None));
        Assert.AreEqual(ErrorCode.NotFound, error.Code);
        Assert.AreEqual($"unsupported path: {path}", error.Message);
    }

    [TestMethod]
    public async Task Handle_UnsupportedOperation_IsUnsupported()
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await Table.HandleAsync(Request(Operation.Delete, "users/bob"), CancellationToken.None));
        Assert.AreEqual(ErrorCode.Unsupported, error.Code);
        Assert.AreEqual("unsupported operation", error.Message);
    }

    [TestMethod]
    public async Task Help_OnAPath_AnswersItsSynopsisAndDescription()
    {
        var response = await Table.HandleAsync(Request(Operation.Help, "users/bob"), CancellationToken.None);
        StringAssert.Contains(response.Field("help"), "Manage users.");
        StringAssert.Contains(response.Field("help"), "Users have names.");
    }

    [TestMethod]
    public async Task Help_OnTheRoot_ListsEveryPath()
    {
        var help = (await Table.HandleAsync(Request(Operation.Help, ""), CancellationToken.None)).Field("help");
        StringAssert.StartsWith(help, "Backend overview.");
        StringAssert.Contains(help, "^users/(?<name>[^/]+)$");
        StringAssert.Contains(help, "Configure.");
    }

    [TestMethod]
    public async Task ExistenceCheck_RunsTheRoutesCheck_OrAnswersNullWithoutOne()
    {
        Assert.IsTrue(await Table.ExistenceCheckAsync(Request(Operation.Update, "users/alice"), CancellationToken.None));
        Assert.IsFalse(await Table.ExistenceCheckAsync(Request(Operation.Update, "users/bob"), CancellationToken.None));
        Assert.IsNull(await Table.ExistenceCheckAsync(Request(Operation.Update, "config"), CancellationToken.None));
    }

    [TestMethod]
    public async Task ExistenceCheck_UnknownPath_IsNotFound()
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await Table.ExistenceCheckAsync(Request(Operation.Update, "x"), CancellationToken.None));
        Assert.AreEqual(ErrorCode.NotFound, error.Code);
    }
}
