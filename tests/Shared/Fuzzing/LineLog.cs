namespace PluginHost.Tests.Shared.Fuzzing;

/// <summary>
/// A process's output lines as they come (read to the end so the pipe never blocks the process), numbered, so a
/// runner can wait for one with a deadline and take the lines written while a request was served.
/// </summary>
internal sealed class LineLog
{
    private const int MaxLineChars = 4000;
    private const int MaxLines = 200_000;

    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _dropped;

    public LineLog(StreamReader reader) => Completion = PumpAsync(reader);

    /// <summary>Ends when the stream ends (the process closed it or exited).</summary>
    public Task Completion { get; }

    /// <summary>How many lines came so far (those over the cap count too).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count + _dropped;
            }
        }
    }

    /// <summary>The lines from number <paramref name="start"/> on (0-based), at most <paramref name="max"/>.</summary>
    public IReadOnlyList<string> Since(int start, int max = int.MaxValue)
    {
        lock (_gate)
        {
            var from = Math.Max(0, start - _dropped);
            return _lines.Skip(from).Take(max).ToList();
        }
    }

    /// <summary>The last <paramref name="count"/> lines.</summary>
    public IReadOnlyList<string> Last(int count)
    {
        lock (_gate)
        {
            return _lines.Skip(Math.Max(0, _lines.Count - count)).ToList();
        }
    }

    /// <summary>The lines that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> Containing(string text)
    {
        lock (_gate)
        {
            return _lines.Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
        }
    }

    /// <summary>Waits for a line that matches, up to <paramref name="timeout"/>; null if none came or the stream ended.</summary>
    public async Task<string?> WaitForAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var checkedUpTo = 0;
        while (true)
        {
            Task next;
            var ended = Completion.IsCompleted;
            lock (_gate)
            {
                for (; checkedUpTo < _lines.Count; checkedUpTo++)
                {
                    if (match(_lines[checkedUpTo]))
                    {
                        return _lines[checkedUpTo];
                    }
                }

                next = _next.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || ended)
            {
                return null;
            }

            await Task.WhenAny(next, Completion, Task.Delay(left, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                if (_lines.Count >= MaxLines)
                {
                    // Keep the newest: drop the oldest half once.
                    _dropped += _lines.Count / 2;
                    _lines.RemoveRange(0, _lines.Count / 2);
                }

                _lines.Add(line.Length > MaxLineChars ? line[..MaxLineChars] + "…" : line);
                changed = _next;
                _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }

        lock (_gate)
        {
            _next.TrySetResult();
        }
    }
}
