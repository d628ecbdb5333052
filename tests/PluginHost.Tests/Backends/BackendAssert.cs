using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Backends;

/// <summary>The assertion every refused write shares: a 400 with the exact message, and nothing written.</summary>
internal static class BackendAssert
{
    public static async Task RefusedWithNothingStoredAsync(Func<Task> write, string message, IStorage storage)
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(write);
        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual(message, error.Message);
        Assert.IsEmpty(await storage.AllKeysAsync());
    }
}
