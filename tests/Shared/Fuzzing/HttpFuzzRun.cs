using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PluginHost.Tests.Shared.Fuzzing;

/// <summary>How an HTTP fuzz pass runs.</summary>
/// <param name="Seed">The generator's seed.</param>
/// <param name="Requests">How many requests, numbered from <paramref name="FirstIndex"/>.</param>
/// <param name="HealthEvery">Every this many requests, <c>GET /v1/sys/health</c> must answer 200.</param>
/// <param name="RequestTimeout">How long one request may take to be answered.</param>
/// <param name="RssEvery">Every this many requests the server's RSS is recorded (0: only at the start and the end).</param>
/// <param name="FirstIndex">The first request's number (to replay part of a run).</param>
internal sealed record HttpFuzzOptions(int Seed, int Requests, int HealthEvery = 100, TimeSpan? RequestTimeout = null, int RssEvery = 0, int FirstIndex = 0)
{
    /// <summary>Progress lines (to stderr in the benchmark); null for none.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>Called with the number of requests sent every <see cref="CheckpointEvery"/> requests (a heap probe).</summary>
    public Func<int, Task>? Checkpoint { get; init; }

    public int CheckpointEvery { get; init; }

    /// <summary>Called with every request and its answer (a per-request log); null for none.</summary>
    public Action<HttpFuzzCase, RawHttpResponse>? Trace { get; init; }
}

/// <summary>A request the server answered wrongly (500), or did not answer, with what is needed to reproduce it.</summary>
/// <param name="Index">Its number: with the seed, the same bytes again.</param>
/// <param name="Kind"><c>500</c>, <c>timeout</c>, <c>crash</c>.</param>
/// <param name="Summary">The generator's choices, in words.</param>
/// <param name="Request">The request's bytes, escaped and cut, tokens as placeholders.</param>
/// <param name="Response">The answer's head and body, cut.</param>
/// <param name="ServerLog">The server's log lines for it (its request id, or what it logged meanwhile).</param>
internal sealed record HttpFuzzFinding(int Index, string Kind, string Summary, string Request, string Response, IReadOnlyList<string> ServerLog)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"#{Index} {Kind}: {Summary}\n");
        text.Append(CultureInfo.InvariantCulture, $"  request:  {Request}\n");
        text.Append(CultureInfo.InvariantCulture, $"  response: {Response}\n");
        foreach (var line in ServerLog)
        {
            text.Append(CultureInfo.InvariantCulture, $"  server:   {Printable.Of(line, 700)}\n");
        }

        return text.ToString();
    }
}

/// <summary>What an HTTP fuzz pass found.</summary>
internal sealed class HttpFuzzResult
{
    /// <summary>How many answers had each status (0: no answer; see <see cref="NoAnswers"/>).</summary>
    public SortedDictionary<int, int> Statuses { get; } = [];

    /// <summary>Why requests got no status line: reset, closed, timeout.</summary>
    public SortedDictionary<string, int> NoAnswers { get; } = new(StringComparer.Ordinal);

    /// <summary>Every 500, every request not answered in time, and every crash or failed health check.</summary>
    public List<HttpFuzzFinding> Findings { get; } = [];

    /// <summary>Examples of requests answered without a status line (at most a few of each kind).</summary>
    public List<HttpFuzzFinding> NoAnswerSamples { get; } = [];

    /// <summary>(requests sent, RSS in KiB) samples.</summary>
    public List<(int Requests, long RssKib)> Rss { get; } = [];

    public int Sent { get; set; }

    public int Crashes { get; set; }

    /// <summary>How many times a request sealed the server (a root token may write <c>sys/seal</c>) and it was unsealed again.</summary>
    public int Reseals { get; set; }

    public TimeSpan Elapsed { get; set; }

    public int ServerErrors => Statuses.GetValueOrDefault(500);

    /// <summary>One line: <c>200×512 204×40 400×300 …</c>.</summary>
    public string Histogram() => string.Join(' ', Statuses.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key}×{s.Value}")));
}

/// <summary>
/// Sends generated requests to a <see cref="FuzzServer"/> one at a time (one connection each), tallies the statuses,
/// keeps a reproduction of every 500 with the server's log line for it, checks the server's health every few
/// requests and restarts it after a crash (counted), and samples its RSS.
/// </summary>
internal static partial class HttpFuzzRun
{
    public static async Task<HttpFuzzResult> RunAsync(FuzzServer server, HttpFuzzTarget target, HttpFuzzOptions options, CancellationToken cancellationToken)
    {
        var result = new HttpFuzzResult();
        var timeout = options.RequestTimeout ?? TimeSpan.FromSeconds(30);
        var generator = new HttpFuzzGenerator(options.Seed, target);
        var started = Stopwatch.GetTimestamp();
        var lastHealthy = options.FirstIndex;
        result.Rss.Add((0, server.RssKib()));
        for (var i = 0; i < options.Requests; i++)
        {
            var index = options.FirstIndex + i;
            var request = generator.Generate(index);
            var logBefore = server.Stdout.Count;
            var answer = await RawHttp.SendAsync(server.EndPoint, request.Bytes, timeout, request.IsHead, cancellationToken);
            result.Sent++;
            options.Trace?.Invoke(request, answer);
            result.Statuses[answer.Status] = result.Statuses.GetValueOrDefault(answer.Status) + 1;
            if (answer.Status == 500)
            {
                result.Findings.Add(await FindingAsync(server, target, request, answer, "500", logBefore, cancellationToken));
            }
            else if (answer.Problem is { } problem)
            {
                var kind = problem.StartsWith("connect", StringComparison.Ordinal) ? "connect"
                    : problem.StartsWith("closed after", StringComparison.Ordinal) ? "not HTTP/1.x"
                    : problem;
                result.NoAnswers[kind] = result.NoAnswers.GetValueOrDefault(kind) + 1;
                if (kind == "timeout")
                {
                    result.Findings.Add(await FindingAsync(server, target, request, answer, "timeout", logBefore, cancellationToken));
                }
                else if (result.NoAnswerSamples.Count(s => s.Kind == kind) < 3)
                {
                    result.NoAnswerSamples.Add(await FindingAsync(server, target, request, answer, kind, logBefore, cancellationToken));
                }
            }

            var last = i == options.Requests - 1;
            if (server.HasExited || (i + 1) % options.HealthEvery == 0 || last)
            {
                var (healthy, detail) = await server.CheckHealthAsync(timeout, cancellationToken);
                if (!healthy && !server.HasExited && await server.IsSealedAsync(cancellationToken))
                {
                    // A request with the root token may seal the server (sys/seal): what it is for, not a crash.
                    result.Reseals++;
                    await server.UnsealAsync(cancellationToken);
                    (healthy, detail) = await server.CheckHealthAsync(timeout, cancellationToken);
                }

                if (!healthy)
                {
                    result.Crashes++;
                    result.Findings.Add(new HttpFuzzFinding(
                        index,
                        "crash",
                        $"after requests #{lastHealthy}–#{index} (replay them with --first {lastHealthy} --requests {index - lastHealthy + 1})",
                        detail,
                        "",
                        [.. server.Stdout.Last(15), .. server.Stderr.Last(15)]));
                    options.Progress?.Invoke($"server unhealthy after request #{index}: {detail}; restarting it");
                    await server.RestartAsync(cancellationToken);
                    target = target with { Authority = server.Address.Authority };
                    generator = new HttpFuzzGenerator(options.Seed, target);
                }

                lastHealthy = index + 1;
            }

            if (options.RssEvery > 0 && (i + 1) % options.RssEvery == 0 && !last)
            {
                result.Rss.Add((i + 1, server.RssKib()));
            }

            if (options.Checkpoint is not null && options.CheckpointEvery > 0 && (i + 1) % options.CheckpointEvery == 0 && !last)
            {
                await options.Checkpoint(i + 1);
            }

            if ((i + 1) % 1000 == 0 || last)
            {
                options.Progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"  {i + 1,6}/{options.Requests} requests, {Stopwatch.GetElapsedTime(started).TotalSeconds,5:0}s, RSS {server.RssKib() / 1024} MiB: {result.Histogram()}"));
            }
        }

        result.Rss.Add((options.Requests, server.RssKib()));
        result.Elapsed = Stopwatch.GetElapsedTime(started);
        return result;
    }

    // The server logs an unexpected exception under the id the client got ("internal error (request ID)"); without an
    // id, what it logged while the request was served.
    private static async Task<HttpFuzzFinding> FindingAsync(
        FuzzServer server, HttpFuzzTarget target, HttpFuzzCase request, RawHttpResponse answer, string kind, int logBefore, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> log;
        if (RequestId().Match(answer.Body) is { Success: true } id)
        {
            var line = await server.Stdout.WaitForAsync(l => l.Contains(id.Groups[1].Value, StringComparison.Ordinal), TimeSpan.FromSeconds(5), cancellationToken);
            log = line is null ? [$"(no log line names request {id.Groups[1].Value})"] : [line];
        }
        else
        {
            log = server.Stdout.Since(logBefore, 5);
        }

        return new HttpFuzzFinding(request.Index, kind, request.Summary, Printable.Of(request.Bytes, target.Secrets, 500), answer.Preview(400), log);
    }

    [GeneratedRegex(@"request ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")]
    private static partial Regex RequestId();
}
