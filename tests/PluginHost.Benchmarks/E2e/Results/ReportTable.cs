using System.Globalization;

namespace PluginHost.Benchmarks.E2e.Results;

/// <summary>The report as a readable table, then the ratios that tell whether the figures make sense together.</summary>
internal static class ReportTable
{
    public static void Write(E2eReport report, TextWriter output)
    {
        var m = report.Machine;
        output.WriteLine();
        output.WriteLine($"PluginHost e2e ({m.HarnessMode}): {m.CpuModel}, {m.LogicalCpus} logical CPUs, .NET {m.DotnetRuntime}, {m.Gc} GC, {m.Os}");
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"warm-up {m.WarmupS:0.#} s per path, medians over {m.Repeats} rounds; wall {m.WallS:0} s; load average {m.LoadAverageStart} → {m.LoadAverageEnd}"));
        if (m.PluginEnv is { Count: > 0 } env)
        {
            output.WriteLine($"plugin env: {string.Join(' ', env.Select(e => $"{e.Key}={e.Value}"))}");
        }

        var f = report.Floors;
        Section(output, "floors (in-process; both ends in this process)",
        [
            ("inproc_call_ns", f.InprocCallNs, "KvBackend read of kv/foo over InMemoryStorage, called directly"),
            ("raw_uds_rtt_us_p50", f.RawUdsRttUsP50, "framed 120 B message echoed over a Unix socket pair"),
            ("raw_uds_blocking_rtt_us_p50", f.RawUdsBlockingRttUsP50, "same, blocking send/receive on a thread per end"),
            ("jsonrpc_uds_rtt_us_p50", f.JsonRpcUdsRttUsP50, "bare StreamJsonRpc call, protocol's handler + formatter"),
            ("sdk_protocol_uds_read_us_p50", f.SdkProtocolUdsReadUsP50, "PluginClient ⇄ PluginServer kv read: 2 JSON-RPC round trips"),
            ("plugin_exec_to_exit_ms_p50", f.PluginExecToExitMsP50, "child process: exec plugin binary, runtime start, refuse, exit"),
        ]);

        var p = report.PluginHost;
        Section(output, "pluginhost",
        [
            ("builtin_kv_read_us_p50", p.BuiltinKvReadUsP50, "IPluginHost.ReadAsync on a builtin kv mount"),
            ("external_kv_read_us_p50", p.ExternalKvReadUsP50, "same on a my-mock-plugin mount: host → plugin → host storage"),
            ("external_kv_read_us_p99", p.ExternalKvReadUsP99, ""),
            ("external_kv_read_rps_c1", p.ExternalKvReadRpsC1, "closed loop, 1 caller"),
            ("external_kv_read_rps_c16", p.ExternalKvReadRpsC16, "closed loop, 16 callers"),
            ("external_kv_read_rps_c64", p.ExternalKvReadRpsC64, "closed loop, 64 callers (= MaxConcurrentRequestsPerPlugin)"),
            ("cold_start_ms_p50", p.ColdStartMsP50, "enable mount (new process) + first read answered"),
            ("cold_start_mount_ms_p50", p.ColdStartMountMsP50, "of which enable: hash+copy, exec, hello, setup"),
            ("plugin_idle_rss_mib", p.PluginIdleRssMib, "VmRSS of one idle plugin process"),
            ("mount_overhead_kib", p.MountOverheadKib, "host + plugin RSS per extra mount (1 → 100 mounts)"),
            ("mount_overhead_host_rss_kib", p.MountOverheadHostRssKib, "of which host RSS"),
            ("mount_overhead_plugin_rss_kib", p.MountOverheadPluginRssKib, "of which plugin RSS"),
            ("mount_overhead_host_managed_kib", p.MountOverheadHostManagedKib, "host managed heap per extra mount (after GC)"),
            ("mount_overhead_plugin_managed_kib", p.MountOverheadPluginManagedKib, "plugin managed heap per extra mount (after induced GC)"),
        ]);

        var a = report.Anchors;
        Section(output, "anchors (go-plugin 1.0.1, gRPC, run after the above)",
        [
            ("goplugin_grpc_get_us_p50", Number(a, "goplugin_grpc_get_us_p50"), "Get, data in the plugin: 1 gRPC round trip"),
            ("goplugin_grpc_callback_us_p50", Number(a, "goplugin_grpc_callback_us_p50"), "Get, data in the host: plugin calls back over the broker"),
            ("goplugin_grpc_callback_rps_c16", Number(a, "goplugin_grpc_callback_rps_c16"), "same, 16 goroutines"),
            ("goplugin_grpc_rps_c64", Number(a, "goplugin_grpc_rps_c64"), "Get, data in the plugin, 64 goroutines"),
            ("goplugin_cold_start_ms_p50", Number(a, "goplugin_cold_start_ms_p50"), "NewClient → exec, handshake, dispense, first Get"),
            ("goplugin_rss_idle_mib", Number(a, "goplugin_rss_idle_mib"), "VmRSS of the idle Go plugin"),
        ]);
        if (a.TryGetValue("note", out var note))
        {
            output.WriteLine($"  note: {note}");
        }

        output.WriteLine();
        output.WriteLine("sanity ratios");
        Ratio(output, "builtin read / inproc call", p.BuiltinKvReadUsP50 * 1000, f.InprocCallNs);
        Ratio(output, "raw uds rtt: async / blocking", f.RawUdsRttUsP50, f.RawUdsBlockingRttUsP50);
        Ratio(output, "jsonrpc rtt / raw uds rtt", f.JsonRpcUdsRttUsP50, f.RawUdsRttUsP50);
        Ratio(output, "sdk protocol read / (2 × jsonrpc rtt)", f.SdkProtocolUdsReadUsP50, 2 * f.JsonRpcUdsRttUsP50);
        Ratio(output, "external read / sdk protocol read", p.ExternalKvReadUsP50, f.SdkProtocolUdsReadUsP50);
        Ratio(output, "external read / (2 × jsonrpc rtt)", p.ExternalKvReadUsP50, 2 * f.JsonRpcUdsRttUsP50);
        Ratio(output, "rps c1 × read p50 (≈1 when consistent)", p.ExternalKvReadRpsC1 * p.ExternalKvReadUsP50, 1e6);
        Ratio(output, "rps c16 / rps c1", p.ExternalKvReadRpsC16, p.ExternalKvReadRpsC1);
        Ratio(output, "cold start / plugin exec-to-exit", p.ColdStartMsP50, f.PluginExecToExitMsP50);
    }

    private static double? Number(Dictionary<string, object> anchors, string key) =>
        anchors.TryGetValue(key, out var value) && value is double number ? number : null;

    private static void Section(TextWriter output, string title, (string Key, double? Value, string What)[] rows)
    {
        output.WriteLine();
        output.WriteLine(title);
        foreach (var (key, value, what) in rows)
        {
            var text = value is { } v ? v.ToString(v >= 1000 ? "#,0" : "0.##", CultureInfo.InvariantCulture) : "–";
            output.WriteLine($"  {key,-34}{text,12}   {what}");
        }
    }

    private static void Ratio(TextWriter output, string what, double? numerator, double? denominator)
    {
        if (numerator is { } n && denominator is { } d && d > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-46}{n / d,8:0.00}×"));
        }
    }
}
