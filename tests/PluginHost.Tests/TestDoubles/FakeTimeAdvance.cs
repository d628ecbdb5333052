using Microsoft.Extensions.Time.Testing;

namespace PluginHost.Tests.TestDoubles;

/// <summary>Moves a fake clock until something the code under test does on its own (a timer's work) has happened.</summary>
internal static class FakeTimeAdvance
{
    /// <summary>
    /// Advances <paramref name="time"/> a second at a time, letting background loops run between steps, until
    /// <paramref name="done"/>; fails when the fake clock passes <paramref name="limit"/> or 30 s of real time pass.
    /// </summary>
    public static async Task AdvanceUntilAsync(this FakeTimeProvider time, Func<bool> done, TimeSpan limit, CancellationToken cancellationToken)
    {
        var end = time.GetUtcNow() + limit;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!done())
        {
            Assert.IsLessThan(end, time.GetUtcNow(), "the fake clock passed the limit before it happened");
            Assert.IsLessThan(deadline, DateTime.UtcNow, "did not happen within 30 s of real time");
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, cancellationToken);
        }
    }
}
