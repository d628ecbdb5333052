namespace PluginHost.Cli.Tests.Executable;

/// <summary>Collects a process's output lines as they come, so a test can wait for one with a deadline.</summary>
internal sealed class OutputLines
{
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ended;

    public OutputLines(StreamReader reader) => _ = PumpAsync(reader);

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_lines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }

                if (_ended)
                {
                    // The process closed its output (it exited): no line will come.
                    throw new TimeoutException($"the output ended without a matching line; got:\n{string.Join('\n', _lines)}");
                }

                next = _next.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(next, Task.Delay(left)) != next)
            {
                throw new TimeoutException($"no matching output line within {timeout}; got:\n{string.Join('\n', Lines)}");
            }
        }
    }

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _lines.Add(line);
                changed = _next;
                _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }

        TaskCompletionSource last;
        lock (_gate)
        {
            _ended = true;
            last = _next;
        }

        last.TrySetResult();
    }
}
