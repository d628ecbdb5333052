using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Tests.Shared.Fuzzing;

namespace PluginHost.Benchmarks.Fuzz;

/// <summary>
/// <c>fuzz</c>: the long run of issue 14's fuzz harness (Cli.Tests' FuzzTests runs a short one in CI). A real
/// <c>plugin-host server</c> with the mock plugin, the builtin kv and the userpass plugin mounted gets N generated raw
/// HTTP requests of seed S; then (<c>--cli N</c>) N generated plugin-host invocations and config files run, some in
/// client mode against it; then SIGTERM must stop it with exit 0. Reported: the statuses, every 500 with its repro and
/// the server's log line, crashes, CLI invocations that broke the oracle, and the server's RSS (start, during, after,
/// idle, and after a full GC induced from outside with the managed heap's size then: leak or a heap kept).
/// </summary>
internal static class FuzzMode
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        FuzzOptions options;
        try
        {
            options = FuzzOptions.Parse(args);
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync(error.Message);
            return 2;
        }

        var temporary = options.Published is null ? Directory.CreateTempSubdirectory("pluginhost-fuzz-published-").FullName : null;
        try
        {
            var binaries = await PublishedAsync(options.Published ?? temporary!);
            return await RunAsync(options, binaries);
        }
        finally
        {
            if (temporary is not null)
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    private static async Task<int> RunAsync(FuzzOptions options, FuzzBinaries binaries)
    {
        var cancellationToken = CancellationToken.None;
        var environment = string.Join(' ', options.ServerEnvironment.Select(e => $"{e.Key}={e.Value}"));
        Progress($"starting plugin-host server{(environment.Length > 0 ? " with " + environment : "")}");
        using var server = await FuzzServer.StartAsync(binaries, options.ServerEnvironment, cancellationToken);
        var target = await server.SetUpAsync(cancellationToken);
        var memory = new List<MemorySample> { Sample(server, "start (set up)", 0) };

        HttpFuzzResult? http = null;
        if (options.Requests > 0)
        {
            Progress($"{options.Requests:N0} requests of seed {options.Seed} from #{options.First}, one connection each");
            await using var trace = options.TracePath is null ? null : new StreamWriter(options.TracePath);
            http = await HttpFuzzRun.RunAsync(server, target, new HttpFuzzOptions(options.Seed, options.Requests, options.HealthEvery, RssEvery: options.RssEvery, FirstIndex: options.First)
            {
                Progress = Progress,
                CheckpointEvery = options.HeapEvery,
                Checkpoint = async sent => memory.Add(await GcSampleAsync(server, $"after {sent} requests", sent)),
                Trace = trace is null ? null : (request, answer) => trace.WriteLine(string.Create(
                    CultureInfo.InvariantCulture, $"{request.Index}\t{answer.Status}\t{answer.Elapsed.TotalMilliseconds:0}\t{answer.Problem ?? ""}\t{request.Summary}")),
            }, cancellationToken);
            memory.Add(Sample(server, "after the requests", options.Requests));
            if (options.Idle > TimeSpan.Zero)
            {
                Progress($"idle for {options.Idle.TotalSeconds:0} s");
                await Task.Delay(options.Idle, cancellationToken);
                memory.Add(Sample(server, $"idle {options.Idle.TotalSeconds:0} s later", options.Requests));
            }

            memory.Add(await GcSampleAsync(server, "after a full GC induced from outside", options.Requests));
        }

        CliFuzzResult? cli = null;
        if (options.Cli > 0)
        {
            Progress($"{options.Cli:N0} plugin-host invocations of seed {options.CliSeed}");
            var cliTarget = await server.CliTargetAsync(target with { Authority = server.Address.Authority }, cancellationToken);
            await using var trace = options.TracePath is null ? null : new StreamWriter(options.TracePath + ".cli");
            cli = await CliFuzzRun.RunAsync(binaries, cliTarget, new CliFuzzOptions(options.CliSeed, options.Cli, options.First)
            {
                Progress = Progress,
                Trace = trace is null ? null : (invocation, exitCode, output) => trace.WriteLine(string.Create(
                    CultureInfo.InvariantCulture, $"#{invocation.Index} exit {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}: {invocation.Summary}\n  $ {invocation.CommandLine(cliTarget.Secrets)}\n  {Printable.Of(output, 400)}")),
            }, cancellationToken);
        }

        var (healthy, health) = await server.CheckHealthAsync(TimeSpan.FromSeconds(30), cancellationToken);
        Progress("SIGTERM");
        var stopped = Stopwatch.GetTimestamp();
        var exitCode = await server.StopAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var stopSeconds = Stopwatch.GetElapsedTime(stopped).TotalSeconds;

        Write(Console.Out, options, http, cli, memory, healthy ? null : health, exitCode, stopSeconds);
        if (options.JsonPath is not null)
        {
            await File.WriteAllTextAsync(options.JsonPath, Json(options, http, cli, memory, exitCode).ToJsonString(Indented) + "\n", cancellationToken);
            await Console.Out.WriteLineAsync($"\nwrote {options.JsonPath}");
        }

        var clean = (http is null || (http.Findings.Count == 0 && http.Crashes == 0)) && (cli is null || cli.Findings.Count == 0) && healthy && exitCode == 0;
        return clean ? 0 : 1;
    }

    /// <summary>RSS now, and its anonymous (heap, stacks) and file-backed (mapped binaries) parts.</summary>
    private sealed record MemorySample(
        string Label, int Requests, long RssKib, long RssAnonKib, long RssFileKib, long? ManagedHeapBytes = null, long? LiveBytes = null, long? RssBeforeGcKib = null);

    private static MemorySample Sample(FuzzServer server, string label, int requests) =>
        new(label, requests, server.RssKib(), server.StatusKib("RssAnon"), server.StatusKib("RssFile"));

    // A full blocking GC induced through the server's diagnostics port (as dotnet-gcdump does): the managed heap's size
    // after it is what is alive; RSS after it is what the GC gives back.
    private static async Task<MemorySample> GcSampleAsync(FuzzServer server, string label, int requests)
    {
        var before = server.RssKib();
        long? heap, live;
        try
        {
            (heap, live) = await RemoteGc.CollectHeapStatsAsync(server.ProcessId, CancellationToken.None);
        }
        catch (Exception error) when (error is TimeoutException or IOException or InvalidOperationException or UnauthorizedAccessException
            or Microsoft.Diagnostics.NETCore.Client.ServerNotAvailableException)
        {
            Progress($"could not induce a GC in the server: {error.Message}");
            (heap, live) = (null, null);
        }

        return Sample(server, label, requests) with { ManagedHeapBytes = heap, LiveBytes = live, RssBeforeGcKib = before };
    }

    // Publishes plugin-host and the two sample plugins into DIR/bin and DIR/plugins, as Cli.Tests' Published does, unless
    // DIR already holds them (--published DIR reuses a publish across runs).
    private static async Task<FuzzBinaries> PublishedAsync(string directory)
    {
        var binaries = new FuzzBinaries(
            Path.Combine(directory, "bin", "plugin-host"),
            Path.Combine(directory, "plugins", "my-mock-plugin"),
            Path.Combine(directory, "plugins", "my-userpass-plugin"));
        if (File.Exists(binaries.PluginHost) && File.Exists(binaries.MockPlugin) && File.Exists(binaries.UserpassPlugin))
        {
            Progress($"using the binaries published in {directory}");
            return binaries;
        }

        foreach (var (project, name, output) in new[]
        {
            ("src/PluginHost.Cli", "plugin-host", "bin"),
            ("samples/MockPlugin", "my-mock-plugin", "plugins"),
            ("samples/UserpassPlugin", "my-userpass-plugin", "plugins"),
        })
        {
            Progress($"publishing {project}");
            await MockPluginBinary.PublishAsync(project, name, Path.Combine(directory, output), [], CancellationToken.None);
        }

        return binaries;
    }

    private static void Write(TextWriter output, FuzzOptions options, HttpFuzzResult? http, CliFuzzResult? cli, List<MemorySample> memory, string? unhealthy, int? exitCode, double stopSeconds)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(c, $"PluginHost fuzz: seed {options.Seed}, server env: {(options.ServerEnvironment.Count == 0 ? "(none)" : string.Join(' ', options.ServerEnvironment.Select(e => $"{e.Key}={e.Value}")))}"));
        if (http is not null)
        {
            output.WriteLine(string.Create(c, $"  requests         {http.Sent} (#{options.First}–#{options.First + http.Sent - 1}) in {http.Elapsed.TotalSeconds:0.0} s ({http.Sent / http.Elapsed.TotalSeconds:0} requests/s)"));
            output.WriteLine(string.Create(c, $"  statuses         {http.Histogram()}"));
            output.WriteLine(string.Create(c, $"  status 500       {http.ServerErrors}"));
            output.WriteLine(string.Create(c, $"  no status line   {(http.NoAnswers.Count == 0 ? "none" : string.Join(' ', http.NoAnswers.Select(n => $"{n.Key}×{n.Value}")))}"));
            output.WriteLine(string.Create(c, $"  crashes          {http.Crashes}"));
            output.WriteLine(string.Create(c, $"  RSS series (MiB) {string.Join(' ', http.Rss.Select(r => $"{r.Requests}:{r.RssKib / 1024.0:0}"))}"));
        }

        foreach (var sample in memory)
        {
            var gc = sample.ManagedHeapBytes is { } heap
                ? string.Create(c, $"; before the GC {sample.RssBeforeGcKib / 1024.0:0.0} MiB; after it managed heap {heap / 1024.0 / 1024.0:0.0} MiB, live (survived) {sample.LiveBytes / 1024.0 / 1024.0:0.0} MiB")
                : "";
            output.WriteLine(string.Create(c, $"  RSS {sample.Label,-40} {sample.RssKib / 1024.0,6:0.0} MiB (anon {sample.RssAnonKib / 1024.0:0.0}, file {sample.RssFileKib / 1024.0:0.0}){gc}"));
        }

        if (cli is not null)
        {
            output.WriteLine(string.Create(c, $"  CLI invocations  {cli.Invocations} (seed {options.CliSeed}) in {cli.Elapsed.TotalSeconds:0} s: {cli.Histogram()}; servers started and stopped: {cli.ServersStarted}"));
            output.WriteLine(string.Create(c, $"  CLI bad          {cli.Findings.Count} (exit outside 0/1/2/127, stack trace, Unhandled exception, hang)"));
            output.WriteLine(string.Create(c, $"  CLI unforeseen   {cli.Unforeseen.Count} ('Error: unexpected failure (…)', exit 1)"));
        }

        output.WriteLine(string.Create(c, $"  health at end    {unhealthy ?? "200"}"));
        output.WriteLine(string.Create(c, $"  SIGTERM          {(exitCode is { } code ? $"exit {code} after {stopSeconds:0.0} s" : "still running after 30 s")}"));
        if (http is not null)
        {
            WriteFindings(output, "HTTP findings (500s, timeouts, crashes)", http.Findings.Select(f => f.ToString()));
            WriteFindings(output, "requests answered without a status line (examples)", http.NoAnswerSamples.Select(f => f.ToString()));
        }

        if (cli is not null)
        {
            WriteFindings(output, "CLI findings", cli.Findings.Select(f => f.ToString()));
            WriteFindings(output, "CLI unforeseen failures", cli.Unforeseen.Select(f => f.ToString()));
        }
    }

    private static void WriteFindings(TextWriter output, string title, IEnumerable<string> findings)
    {
        var list = findings.ToList();
        if (list.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"{title}:");
            foreach (var finding in list)
            {
                output.Write(finding);
            }
        }
    }

    private static JsonObject Json(FuzzOptions options, HttpFuzzResult? http, CliFuzzResult? cli, List<MemorySample> memory, int? exitCode)
    {
        var json = new JsonObject
        {
            ["seed"] = options.Seed,
            ["first"] = options.First,
            ["server_env"] = new JsonObject([.. options.ServerEnvironment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))]),
            ["exit_code_after_sigterm"] = exitCode,
            ["memory"] = new JsonArray([.. memory.Select(m => (JsonNode)new JsonObject
            {
                ["label"] = m.Label,
                ["requests"] = m.Requests,
                ["rss_kib"] = m.RssKib,
                ["rss_anon_kib"] = m.RssAnonKib,
                ["rss_file_kib"] = m.RssFileKib,
                ["rss_before_gc_kib"] = m.RssBeforeGcKib,
                ["managed_heap_after_gc_bytes"] = m.ManagedHeapBytes,
                ["live_after_gc_bytes"] = m.LiveBytes,
            })]),
        };
        if (http is not null)
        {
            json["http"] = new JsonObject
            {
                ["requests"] = http.Sent,
                ["seconds"] = Math.Round(http.Elapsed.TotalSeconds, 1),
                ["statuses"] = new JsonObject([.. http.Statuses.Select(s => KeyValuePair.Create(s.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)s.Value))]),
                ["no_status_line"] = new JsonObject([.. http.NoAnswers.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))]),
                ["status_500"] = http.ServerErrors,
                ["crashes"] = http.Crashes,
                ["rss_series_kib"] = new JsonArray([.. http.Rss.Select(r => (JsonNode)new JsonArray(r.Requests, r.RssKib))]),
                ["findings"] = new JsonArray([.. http.Findings.Select(f => (JsonNode)f.ToString())]),
            };
        }

        if (cli is not null)
        {
            json["cli"] = new JsonObject
            {
                ["seed"] = options.CliSeed,
                ["invocations"] = cli.Invocations,
                ["seconds"] = Math.Round(cli.Elapsed.TotalSeconds, 1),
                ["exit_codes"] = new JsonObject([.. cli.ExitCodes.Select(s => KeyValuePair.Create(s.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)s.Value))]),
                ["servers_started"] = cli.ServersStarted,
                ["bad"] = new JsonArray([.. cli.Findings.Select(f => (JsonNode)f.ToString())]),
                ["unforeseen"] = new JsonArray([.. cli.Unforeseen.Select(f => (JsonNode)f.ToString())]),
            };
        }

        return json;
    }

    private static void Progress(string message) => Console.Error.WriteLine(message);
}
