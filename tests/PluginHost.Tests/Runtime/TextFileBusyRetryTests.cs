using System.ComponentModel;
using PluginHost.Runtime;

namespace PluginHost.Tests.Runtime;

[TestClass]
public sealed class TextFileBusyRetryTests
{
    [TestMethod]
    public async Task BusyBinary_IsStartedOnceTheWriterIsGone()
    {
        var attempts = 0;

        var started = await TextFileBusyRetry.RunAsync(
            () => ++attempts < 3 ? throw new Win32Exception(TextFileBusyRetry.TextFileBusy, "Text file busy") : "process",
            TimeProvider.System,
            CancellationToken.None);

        Assert.AreEqual("process", started);
        Assert.AreEqual(3, attempts);
    }

    [TestMethod]
    public async Task OtherStartFailures_AreNotRetried()
    {
        var attempts = 0;

        var error = await Assert.ThrowsExactlyAsync<Win32Exception>(() => TextFileBusyRetry.RunAsync<string>(
            () =>
            {
                attempts++;
                throw new Win32Exception(8, "Exec format error");
            },
            TimeProvider.System,
            CancellationToken.None));

        Assert.AreEqual(8, error.NativeErrorCode);
        Assert.AreEqual(1, attempts);
    }

    [TestMethod]
    public async Task BusyForLongerThanThePatience_FailsWithTheBusyError()
    {
        var clock = new SteppingClock();

        var error = await Assert.ThrowsExactlyAsync<Win32Exception>(() => TextFileBusyRetry.RunAsync<string>(
            () =>
            {
                clock.Step(TimeSpan.FromSeconds(1));
                throw new Win32Exception(TextFileBusyRetry.TextFileBusy, "Text file busy");
            },
            clock,
            CancellationToken.None));

        Assert.AreEqual(TextFileBusyRetry.TextFileBusy, error.NativeErrorCode);
    }

    // Moves only when told to, and runs timers at once, so the test never waits.
    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Step(TimeSpan by) => _now += by;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            callback(state);
            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
