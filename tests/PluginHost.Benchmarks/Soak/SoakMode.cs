using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Benchmarks.HttpApi;
using PluginHost.Catalog;
using PluginHost.Hosting;
using PluginHost.Mounts;

namespace PluginHost.Benchmarks.Soak;

/// <summary>
/// <c>soak</c>: clients write and read an external plugin's kv over Vault's HTTP API while the plugin is SIGKILLed
/// again and again. Every acknowledged write must read back, every answer must be 2xx, 404 or 503, and each kill's
/// recovery (kill → first success of a request sent after it) is reported.
/// </summary>
internal static class SoakMode
{
    private const string Mount = "mock";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        SoakOptions options;
        try
        {
            options = SoakOptions.Parse(args);
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync(error.Message);
            return 2;
        }

        using var workspace = Workspace.Create();
        try
        {
            Progress("publishing samples/MockPlugin");
            var plugin = await MockPluginBinary.PrepareAsync(null, new Dictionary<string, string>(), workspace, CancellationToken.None);
            await using var app = await HttpMode.StartServerAsync(workspace, options.Log);
            var host = app.Services.GetRequiredService<IPluginHost>();
            await host.Catalog.RegisterAsync(new PluginRegistration { Type = BackendType.Secret, Name = plugin.Name, Command = plugin.Name, Sha256 = plugin.Sha256 });
            await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = plugin.Name, Path = Mount });

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false };
            using var http = new HttpClient(handler) { BaseAddress = new Uri(app.Urls.First()) };
            http.DefaultRequestHeaders.Add("X-Vault-Token", HttpMode.RootToken);

            var ledger = new SoakLedger();
            var killer = new PluginKiller(workspace, ledger, options);
            var pacer = options.RequestsPerSecond is { } rate ? new Pacer(rate) : null;
            Progress($"{options.Requests:N0} requests from {options.Clients} clients, SIGKILL every {options.KillEvery:N0} requests but at most every {options.MinKillInterval.TotalSeconds:0} s"
                + (pacer is null ? "" : $", {options.RequestsPerSecond:0} requests/s"));
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(client => Task.Run(() => ClientAsync(client, http, ledger, killer, pacer, options))));
            var elapsed = Stopwatch.GetElapsedTime(started);

            Progress($"reading back {ledger.Acknowledged.Count:N0} acknowledged writes");
            var lost = await LostWritesAsync(host, ledger);
            var results = Results(options, ledger, lost, elapsed);
            Write(results, ledger, Console.Out);
            if (options.JsonPath is not null)
            {
                await File.WriteAllTextAsync(options.JsonPath, JsonSerializer.Serialize(results, Indented) + "\n");
                await Console.Out.WriteLineAsync($"\nwrote {options.JsonPath}");
            }

            return lost.Count == 0 && ledger.Unexpected.Count == 0 ? 0 : 1;
        }
        finally
        {
            workspace.KillLeftovers();
        }
    }

    // Half the requests write a new key of this client, half read one it wrote; the answer's status is all that counts,
    // except that an acknowledged key read back as missing, or with another value, is a lost write.
    private static async Task ClientAsync(int client, HttpClient http, SoakLedger ledger, PluginKiller killer, Pacer? pacer, SoakOptions options)
    {
        var written = new List<(string Key, string Value)>();
        var random = new Random(client);
        int request;
        while ((request = ledger.Next(options.Requests)) > 0)
        {
            if (pacer is not null)
            {
                await pacer.WaitAsync();
            }

            killer.MaybeKill(request);
            var sentAt = Stopwatch.GetTimestamp();
            try
            {
                if (written.Count == 0 || request % 2 == 0)
                {
                    var key = $"c{client}-{request}";
                    var value = request.ToString(CultureInfo.InvariantCulture);
                    using var response = await http.PutAsJsonAsync($"/v1/{Mount}/kv/{key}", new Dictionary<string, string> { ["value"] = value });
                    var status = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        ledger.Acknowledged[key] = value;
                        written.Add((key, value));
                    }

                    ledger.Answered(status, sentAt, await DetailAsync(response));
                }
                else
                {
                    var (key, value) = written[random.Next(written.Count)];
                    using var response = await http.GetAsync($"/v1/{Mount}/kv/{key}");
                    var status = (int)response.StatusCode;
                    var body = await response.Content.ReadAsStringAsync();
                    if (status == 200 && JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("value").GetString() != value)
                    {
                        ledger.MissingDuringRun.Enqueue($"{key} read back another value");
                    }
                    else if (status == 404)
                    {
                        ledger.MissingDuringRun.Enqueue(key);
                    }

                    ledger.Answered(status, sentAt, body);
                }
            }
            catch (HttpRequestException error)
            {
                ledger.Answered(0, sentAt, error.Message);
            }
        }
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync();

    // Through IPluginHost, retrying while the plugin is down: only a key that is missing or wrong is lost.
    private static async Task<List<string>> LostWritesAsync(IPluginHost host, SoakLedger ledger)
    {
        var lost = new List<string>();
        foreach (var (key, value) in ledger.Acknowledged)
        {
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
            while (true)
            {
                try
                {
                    var read = await host.ReadAsync($"{Mount}/kv/{key}");
                    if (read?.Data?["value"].GetString() != value)
                    {
                        lost.Add(key);
                    }

                    break;
                }
                catch (PluginHostException unavailable) when (unavailable.Code == ErrorCode.Unavailable && Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(50);
                }
            }
        }

        return lost;
    }

    private static Dictionary<string, double> Results(SoakOptions options, SoakLedger ledger, List<string> lost, TimeSpan elapsed)
    {
        var recoveries = ledger.RecoveriesMs.Where(r => !double.IsNaN(r)).ToArray();
        var results = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["soak_requests"] = options.Requests,
            ["soak_clients"] = options.Clients,
            ["soak_seconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["soak_kills"] = ledger.Kills,
            ["soak_recovered_kills"] = recoveries.Length,
            ["soak_recovery_ms_p50"] = recoveries.Length == 0 ? double.NaN : Math.Round(Stats.Percentile(recoveries, 50), 1),
            ["soak_recovery_ms_p99"] = recoveries.Length == 0 ? double.NaN : Math.Round(Stats.Percentile(recoveries, 99), 1),
            ["soak_recovery_ms_max"] = recoveries.Length == 0 ? double.NaN : Math.Round(recoveries.Max(), 1),
            ["soak_acknowledged_writes"] = ledger.Acknowledged.Count,
            ["soak_lost_writes"] = lost.Count,
            ["soak_missing_during_run"] = ledger.MissingDuringRun.Count,
            ["soak_unexpected_responses"] = ledger.Statuses.Where(s => s.Key is not (>= 200 and < 300) and not 404 and not 503).Sum(s => s.Value),
        };
        foreach (var (status, count) in ledger.Statuses)
        {
            results[$"soak_status_{status}"] = count;
        }

        return results;
    }

    private static void Write(Dictionary<string, double> results, SoakLedger ledger, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("PluginHost soak: an external plugin's kv over HTTP, the plugin SIGKILLed again and again");
        foreach (var (name, value) in results.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-30}{value,12:0.#}"));
        }

        foreach (var sample in ledger.Unexpected)
        {
            output.WriteLine($"  unexpected: {(sample.Length > 300 ? sample[..300] + "…" : sample)}");
        }

        foreach (var key in ledger.MissingDuringRun.Take(10))
        {
            output.WriteLine($"  missing during the run: {key}");
        }
    }

    private static void Progress(string message) => Console.Error.WriteLine(message);

    /// <summary>Spaces requests from all clients evenly at a total rate.</summary>
    private sealed class Pacer(double requestsPerSecond)
    {
        private readonly long _interval = (long)(Stopwatch.Frequency / requestsPerSecond);
        private long _next = Stopwatch.GetTimestamp();

        public Task WaitAsync()
        {
            var slot = Interlocked.Add(ref _next, _interval);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), slot);
            return wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
        }
    }
}
