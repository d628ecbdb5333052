using System.Collections.Concurrent;
using System.Diagnostics;

namespace PluginHost.Benchmarks.Soak;

/// <summary>
/// What the soak saw: answers by status, the writes the server acknowledged (each must read back), and for each kill the
/// time until a request sent after it succeeded.
/// </summary>
internal sealed class SoakLedger
{
    private readonly ConcurrentDictionary<int, int> _statuses = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly List<long> _kills = [];
    private readonly List<double> _recoveriesMs = [];
    private int _issued;

    /// <summary>Writes the server answered 2xx: key → value.</summary>
    public ConcurrentDictionary<string, string> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>Acknowledged keys that later read back as missing (404) during the run.</summary>
    public ConcurrentQueue<string> MissingDuringRun { get; } = new();

    public IReadOnlyDictionary<int, int> Statuses => _statuses;

    public IReadOnlyCollection<string> Unexpected => _unexpected;

    public int Kills
    {
        get
        {
            lock (_kills)
            {
                return _kills.Count;
            }
        }
    }

    public IReadOnlyList<double> RecoveriesMs
    {
        get
        {
            lock (_kills)
            {
                return [.. _recoveriesMs];
            }
        }
    }

    /// <summary>Takes the next request number, or -1 when all were issued.</summary>
    public int Next(int total)
    {
        var number = Interlocked.Increment(ref _issued);
        return number <= total ? number : -1;
    }

    public void Killed(long at)
    {
        lock (_kills)
        {
            _kills.Add(at);
            _recoveriesMs.Add(double.NaN);
        }
    }

    /// <summary>Counts an answer; a success sent after a kill that has no recovery yet ends that kill's outage.</summary>
    public void Answered(int status, long sentAt, string? detail)
    {
        _statuses.AddOrUpdate(status, 1, (_, count) => count + 1);
        if (status is not (>= 200 and < 300) and not 404 and not 503 && _unexpected.Count < 20)
        {
            _unexpected.Enqueue($"{status}: {detail}");
        }

        if (status is >= 200 and < 300)
        {
            var now = Stopwatch.GetTimestamp();
            lock (_kills)
            {
                for (var i = 0; i < _kills.Count; i++)
                {
                    if (double.IsNaN(_recoveriesMs[i]) && sentAt > _kills[i])
                    {
                        _recoveriesMs[i] = Stopwatch.GetElapsedTime(_kills[i], now).TotalMilliseconds;
                    }
                }
            }
        }
    }
}
