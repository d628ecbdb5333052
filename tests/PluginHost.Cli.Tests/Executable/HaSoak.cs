using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// Clients writing and reading kv entries across every node of <see cref="HaServers"/> (each retrying a failed request
/// on the next node, as Vault's clients behind a load balancer do), while the active node is killed (SIGKILL) every
/// so many requests and started again once another node took over. At the end every acknowledged write is read back
/// through a standby: a missing or different value is a lost write.
/// </summary>
internal sealed class HaSoak(HaServers servers, int clients)
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, string> _acknowledged = new(StringComparer.Ordinal);
    private int _completed;
    private int _failedAttempts;
    private int _wrongReads;

    /// <summary>Runs <paramref name="requests"/> acknowledged requests (two writes to one read), killing the active node every <paramref name="killEvery"/>.</summary>
    public async Task<HaSoakReport> RunAsync(int requests, int killEvery, TimeSpan failoverLimit, CancellationToken cancellationToken)
    {
        var http = servers.Nodes.Select(n => servers.Client(n)).ToArray();
        foreach (var client in http)
        {
            client.Timeout = TimeSpan.FromSeconds(10);
        }

        var failovers = new List<HaFailover>();
        var wall = Stopwatch.StartNew();
        try
        {
            using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var load = Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c, http, requests, done.Token))).ToArray();
            var nextKill = killEvery;
            while (!load.All(t => t.IsCompleted))
            {
                if (Volatile.Read(ref _completed) >= nextKill && requests - nextKill >= killEvery / 2)
                {
                    failovers.Add(await KillActiveAsync(failoverLimit));
                    nextKill += killEvery;
                }

                await Task.WhenAny(Task.WhenAll(load), Task.Delay(20, cancellationToken));
            }

            await Task.WhenAll(load);
            var lost = await ReadBackAsync(http, cancellationToken);
            return new HaSoakReport(Volatile.Read(ref _completed), _acknowledged.Count, _failedAttempts, failovers, lost, _wrongReads, wall.Elapsed);
        }
        finally
        {
            foreach (var client in http)
            {
                client.Dispose();
            }
        }
    }

    private async Task<HaFailover> KillActiveAsync(TimeSpan failoverLimit)
    {
        var victim = await servers.ActiveAsync(failoverLimit);
        var failedBefore = Volatile.Read(ref _failedAttempts);
        var killed = Stopwatch.StartNew();
        victim.Kill();
        var successor = await servers.ActiveAsync(failoverLimit, servers.Nodes.Where(n => n != victim && n.Running));
        var toActive = killed.Elapsed;
        var failed = Volatile.Read(ref _failedAttempts) - failedBefore;

        // Three nodes again for the next round: the killed one comes back as a standby.
        await servers.RestartAsync(victim);
        return new HaFailover(victim.Address, successor.Address, toActive, failed);
    }

    private async Task ClientAsync(int client, HttpClient[] http, int requests, CancellationToken cancellationToken)
    {
        var sequence = 0;
        var node = client % http.Length;
        while (Interlocked.Increment(ref _completed) <= requests)
        {
            // Two writes to one read, each read of this client's own last acknowledged write.
            var write = sequence % 3 != 2 || sequence == 0;
            var key = $"soak/c{client}-{(write ? sequence : sequence - 1)}";
            var value = $"{client}:{sequence}:{Guid.NewGuid():N}";
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (await TryAsync(http[node], write, key, value, cancellationToken))
                {
                    break;
                }

                Interlocked.Increment(ref _failedAttempts);
                node = (node + 1) % http.Length;
                await Task.Delay(RetryPause, cancellationToken);
            }

            sequence++;
        }

        Interlocked.Decrement(ref _completed);
    }

    private async Task<bool> TryAsync(HttpClient http, bool write, string key, string value, CancellationToken cancellationToken)
    {
        try
        {
            if (write)
            {
                using var written = await http.PutAsJsonAsync("secret/" + key, new { value }, cancellationToken);
                if (!written.IsSuccessStatusCode)
                {
                    return false;
                }

                // Acknowledged: from now on this value must be there (a retry after an unanswered try writes the same).
                _acknowledged[key] = value;
                return true;
            }

            using var read = await http.GetAsync("secret/" + key, cancellationToken);
            if (!read.IsSuccessStatusCode)
            {
                return false;
            }

            var body = await read.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (_acknowledged.TryGetValue(key, out var expected) && body.GetProperty("data").GetProperty("value").GetString() != expected)
            {
                Interlocked.Increment(ref _wrongReads);
            }

            return true;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            // The node was killed under the request, or is starting: the client tries the next one.
            return false;
        }
    }

    private async Task<int> ReadBackAsync(HttpClient[] http, CancellationToken cancellationToken)
    {
        var active = await servers.ActiveAsync(TimeSpan.FromSeconds(20));
        var standby = http[servers.Nodes.FindIndex(n => n != active && n.Running)];
        var lost = 0;
        await Parallel.ForEachAsync(_acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (entry, token) =>
        {
            using var read = await standby.GetAsync("secret/" + entry.Key, token);
            var body = read.IsSuccessStatusCode ? await read.Content.ReadFromJsonAsync<JsonElement>(token) : default;
            if (!read.IsSuccessStatusCode || body.GetProperty("data").GetProperty("value").GetString() != entry.Value)
            {
                Interlocked.Increment(ref lost);
            }
        });

        return lost;
    }
}

/// <summary>One kill of the active node: which node took over, how long after the kill, and how many tries failed meanwhile.</summary>
internal sealed record HaFailover(string Killed, string NewActive, TimeSpan ToNewActive, int FailedAttempts);

/// <summary>What a soak did and found.</summary>
internal sealed record HaSoakReport(int Requests, int Acknowledged, int FailedAttempts, IReadOnlyList<HaFailover> Failovers, int LostWrites, int WrongReads, TimeSpan Wall)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        var toActive = Failovers.Select(f => f.ToNewActive.TotalSeconds).Order().ToArray();
        text.AppendLine(CultureInfo.InvariantCulture, $"requests {Requests} (writes acknowledged and read back: {Acknowledged}) in {Wall.TotalSeconds:F0} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"failovers {Failovers.Count}; kill → new active s: p50 {(toActive.Length == 0 ? 0 : toActive[toActive.Length / 2]):F1}, max {(toActive.Length == 0 ? 0 : toActive[^1]):F1}");
        foreach (var failover in Failovers)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  killed {failover.Killed} → {failover.NewActive} active after {failover.ToNewActive.TotalSeconds:F1} s; {failover.FailedAttempts} failed tries meanwhile (retried)");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"failed tries in all (each retried on the next node): {FailedAttempts}");
        text.Append(CultureInfo.InvariantCulture, $"lost writes {LostWrites}; reads answering another value than the last acknowledged {WrongReads}");
        return text.ToString();
    }
}
