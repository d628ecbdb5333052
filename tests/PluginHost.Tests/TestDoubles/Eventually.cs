namespace PluginHost.Tests.TestDoubles;

/// <summary>Polls a condition with a deadline instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting until {what}");
            }

            await Task.Yield();
            await Task.Delay(5);
        }
    }
}
