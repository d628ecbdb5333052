using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PluginHost.Benchmarks.E2e.Plugins;

namespace PluginHost.Benchmarks.E2e.Anchors;

/// <summary>
/// The go-plugin anchor: runs <c>&lt;repo&gt;/../shared/anchors/go-plugin/run.sh</c> (or <c>--anchor PATH</c>) for the
/// gRPC protocol only, after every PluginHost figure (so the two never share the CPUs), and maps the JSON line kvhost
/// prints for it into the report's <c>anchors</c>. When it cannot run, the keys are left out and <c>note</c> says why.
/// </summary>
internal static class GoPluginAnchor
{
    /// <summary>run.sh itself stops kvhost after 175 s; this is the harness's own bound on top (apt-get, go build).</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(240);

    public static string DefaultPath() =>
        Path.GetFullPath(Path.Combine(MockPluginBinary.RepositoryRoot(), "..", "shared", "anchors", "go-plugin", "run.sh"));

    /// <summary>kvhost flags: gRPC only (the only protocol the report maps); in quick mode shorter windows and fewer calls.</summary>
    public static string[] KvhostArguments(bool quick) => quick
        ? ["-protocols", "grpc", "-window", "1s", "-calls", "5000", "-warmup", "1000"]
        : ["-protocols", "grpc"];

    public static async Task RunAsync(string script, bool quick, Dictionary<string, object> anchors, Action<string> progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(script))
        {
            anchors["note"] = $"go-plugin anchor not run: {script} does not exist";
            return;
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var argument in KvhostArguments(quick))
        {
            start.ArgumentList.Add(argument);
        }

        var began = Stopwatch.GetTimestamp();
        string stdout;
        string stderr;
        int exitCode;
        using (var process = new Process { StartInfo = start })
        {
            try
            {
                process.Start();
            }
            catch (Exception error) when (error is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                anchors["note"] = $"go-plugin anchor not run: could not start bash {script}: {error.Message}";
                return;
            }

            var outTask = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var errTask = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Kill the script's whole tree (bash, timeout, kvhost, kvplugin): our own child, by its pid.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                anchors["note"] = $"go-plugin anchor not run: {script} did not finish within {Timeout.TotalSeconds:0} s";
                return;
            }

            stdout = await outTask;
            stderr = await errTask;
            exitCode = process.ExitCode;
        }

        var seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        progress(string.Create(CultureInfo.InvariantCulture, $"  go-plugin anchor took {seconds:0.0} s (exit {exitCode})"));
        anchors["wall_s"] = Math.Round(seconds, 1);
        Map(stdout, exitCode, stderr, anchors);
    }

    /// <summary>Takes kvhost's JSON line for <c>"protocol":"grpc"</c> from <paramref name="stdout"/>.</summary>
    public static void Map(string stdout, int exitCode, string stderr, Dictionary<string, object> anchors)
    {
        foreach (var line in stdout.Split('\n'))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.TryGetProperty("kind", out var kind) && kind.GetString() == "env")
            {
                if (root.TryGetProperty("meta", out var meta) && meta.GetString() is { Length: > 0 } versions)
                {
                    anchors["versions"] = versions;
                }

                continue;
            }

            if (!root.TryGetProperty("protocol", out var protocol) || protocol.GetString() != "grpc")
            {
                continue;
            }

            Put(anchors, "goplugin_grpc_get_us_p50", root, "get_us_p50");
            Put(anchors, "goplugin_grpc_get_us_p99", root, "get_us_p99");
            Put(anchors, "goplugin_grpc_callback_us_p50", root, "callback_get_us_p50");
            Put(anchors, "goplugin_grpc_callback_rps_c16", root, "callback_get_ops_per_s_c16");
            if (root.TryGetProperty("get_ops_per_s", out var rps))
            {
                foreach (var callers in new[] { "c1", "c16", "c64" })
                {
                    Put(anchors, $"goplugin_grpc_rps_{callers}", rps, callers);
                }
            }

            Put(anchors, "goplugin_cold_start_ms_p50", root, "cold_start_ms_p50");
            Put(anchors, "goplugin_rss_idle_mib", root, "plugin_rss_idle_mib");
            if (root.TryGetProperty("callback_note", out var callbackNote) && callbackNote.GetString() is { Length: > 0 } why)
            {
                anchors["note"] = $"go-plugin callback: {why}";
            }

            return;
        }

        var tail = string.Join(" | ", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
        anchors["note"] = $"go-plugin anchor gave no grpc result (exit {exitCode}): {tail}";
    }

    private static void Put(Dictionary<string, object> anchors, string key, JsonElement parent, string property)
    {
        if (parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number)
        {
            anchors[key] = value.GetDouble();
        }
    }
}
