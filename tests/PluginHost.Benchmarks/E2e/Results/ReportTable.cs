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

        output.WriteLine(report.PluginHost.LimitsOn
            ? string.Create(CultureInfo.InvariantCulture, $"plugin limits on: memory {Plugins.BenchLimits.MemoryBytes >> 20} MiB, {Plugins.BenchLimits.Processes} processes, {Plugins.BenchLimits.OpenFiles} open files (--no-limits turns them off)")
            : "plugin limits off (--no-limits)");

        var f = report.Floors;
        Section(output, "floors (in-process, except the bare child's rows)",
        [
            ("inproc_call_ns", f.InprocCallNs, "KvBackend read of kv/foo over InMemoryStorage, called directly"),
            ("raw_uds_rtt_us_p50", f.RawUdsRttUsP50, "framed 120 B message echoed over a Unix socket pair"),
            ("raw_uds_blocking_rtt_us_p50", f.RawUdsBlockingRttUsP50, "same, blocking send/receive on a thread per end"),
            ("jsonrpc_uds_rtt_us_p50", f.JsonRpcUdsRttUsP50, "bare StreamJsonRpc call, protocol's handler + formatter"),
            ("jsonrpc_uds_rps_c64", f.JsonRpcUdsRpsC64, "same call, 64 callers in a closed loop"),
            ("jsonrpc_uds_callback_rtt_us_p50", f.JsonRpcUdsCallbackRttUsP50, "bare child process: call that calls back into the harness once"),
            ("jsonrpc_uds_callback_rtt_us_p99", f.JsonRpcUdsCallbackRttUsP99, ""),
            ("jsonrpc_uds_callback_rps_c16", f.JsonRpcUdsCallbackRpsC16, "same, 16 callers in a closed loop"),
            ("jsonrpc_child_first_rpc_ms_p50", f.JsonRpcChildFirstRpcMsP50, "bare child: start → connect → first answer"),
            ("jsonrpc_child_idle_rss_mib", f.JsonRpcChildIdleRssMib, "VmRSS of the idle bare child"),
            ("process_start_ms_p50", f.ProcessStartMsP50, "single-file ReadyToRun hello: start to exit"),
            ("sdk_protocol_uds_read_us_p50", f.SdkProtocolUdsReadUsP50, "PluginClient ⇄ PluginServer kv read: 2 JSON-RPC round trips"),
            ("plugin_exec_to_exit_ms_p50", f.PluginExecToExitMsP50, "child process: exec plugin binary, runtime start, refuse, exit"),
            ("pg_create_role_ms_p50", f.PgCreateRoleMsP50, "CREATE ROLE + GRANT over pooled Npgsql, then login + SELECT 1 as it"),
            ("pg_select_us_p50", f.PgSelectUsP50, "primary-key SELECT of one value over pooled Npgsql"),
            ("direct_read_us_p50", f.DirectReadUsP50, "HTTP builtin kv read sent to the active node (HA on PostgreSQL)"),
        ]);

        var p = report.PluginHost;
        Section(output, "pluginhost",
        [
            ("builtin_kv_read_us_p50", p.BuiltinKvReadUsP50, "IPluginHost.ReadAsync on a builtin kv mount"),
            ("builtin_kv_read_authz_us_p50", p.BuiltinKvReadAuthzUsP50, "same as a token holder: token lookup, ACL check, per-mount token id"),
            ("audit_overhead_us_p50", p.AuditOverheadUsP50, "what a file audit device adds to an HTTP builtin read (p50 with − without)"),
            ("barrier_read_overhead_us_p50", p.BarrierReadOverheadUsP50, "what the encrypting barrier adds to a builtin kv read (p50 sealed host − plain host)"),
            ("barrier_encrypt_gb_s", p.BarrierEncryptGbS, "barrier encryption of 1 MiB values (AES-256-GCM)"),
            ("unseal_ms_p50", p.UnsealMsP50, "last unseal key → first answer from an external mount (plugin restarted)"),
            ("db_creds_ms_p50", p.DbCredsMsP50, "database/creds read (PostgreSQL plugin process) → login + SELECT 1 with them"),
            ("db_creds_ratio", p.DbCredsRatio, "db_creds_ms_p50 / pg_create_role_ms_p50 (interleaved samples)"),
            ("pg_storage_get_us_p50", p.PgStorageGetUsP50, "PostgresStorage.GetAsync of one entry"),
            ("pg_storage_get_ratio", p.PgStorageGetRatio, "pg_storage_get_us_p50 / pg_select_us_p50 (alternating passes)"),
            ("forwarded_read_us_p50", p.ForwardedReadUsP50, "the same HTTP read sent to a standby, forwarded to the active node"),
            ("forwarded_read_ratio", p.ForwardedReadRatio, "forwarded_read_us_p50 / direct_read_us_p50 (alternating passes)"),
            ("acl_check_ns_p50", p.AclCheckNsP50, "Acl.AllowsOperation, 100 policies × 50 paths on one token"),
            ("acl_check_alloc_b", p.AclCheckAllocB, "bytes allocated per check"),
            ("route_lookup_10k_ns", p.RouteLookup10kNs, "RouteTable.TryMatch, 3-segment hit among 10,000 mounts"),
            ("route_lookup_10k_alloc_b", p.RouteLookup10kAllocB, "bytes allocated per lookup"),
            ("sha256_gb_s", p.Sha256GbS, "PluginChecksum.HashAsync of a 64 MiB file (page cache)"),
            ("external_kv_read_us_p50", p.ExternalKvReadUsP50, "same on a my-mock-plugin mount: host → plugin → host storage"),
            ("external_kv_read_us_p99", p.ExternalKvReadUsP99, ""),
            ("external_kv_read_rps_c1", p.ExternalKvReadRpsC1, "closed loop, 1 caller"),
            ("external_kv_read_rps_c16", p.ExternalKvReadRpsC16, "closed loop, 16 callers"),
            ("external_kv_read_rps_c64", p.ExternalKvReadRpsC64, "closed loop, 64 callers (= MaxConcurrentRequestsPerPlugin)"),
            ("traced_external_kv_read_us_p50", p.TracedExternalKvReadUsP50, "external read with a listener recording every span (modes interleaved request by request)"),
            ("untraced_external_kv_read_us_p50", p.UntracedExternalKvReadUsP50, "same rounds: tracing on, nothing recording (the default)"),
            ("tracing_off_external_kv_read_us_p50", p.TracingOffExternalKvReadUsP50, "same rounds: PluginHostTelemetry.TracingEnabled = false"),
            ("tracing_listened_ratio", p.TracingListenedRatio, "traced / untraced, median of the rounds' ratios"),
            ("tracing_unlistened_ratio", p.TracingUnlistenedRatio, "untraced / tracing off, median of the rounds' ratios"),
            ("limits_overhead_read_p50_pct", p.LimitsOverheadReadP50Pct, "external read p50 with plugin limits vs without, % (alternating passes)"),
            ("limits_overhead_rps_c16_pct", p.LimitsOverheadRpsC16Pct, "rps at 16 callers lost to plugin limits, % (same passes)"),
            ("cold_start_ms_p50", p.ColdStartMsP50, "enable mount (new process) + first read answered"),
            ("cold_start_mount_ms_p50", p.ColdStartMountMsP50, "of which enable: hash+copy, exec, hello, setup"),
            ("plugin_idle_rss_mib", p.PluginIdleRssMib, "VmRSS of one idle plugin process"),
            ("mount_overhead_kib", p.MountOverheadKib, "host + plugin RSS per extra mount (1 → 100 mounts)"),
            ("mount_overhead_host_rss_kib", p.MountOverheadHostRssKib, "of which host RSS"),
            ("mount_overhead_plugin_rss_kib", p.MountOverheadPluginRssKib, "of which plugin RSS"),
            ("mount_overhead_host_managed_kib", p.MountOverheadHostManagedKib, "host managed heap per extra mount (after GC)"),
            ("mount_overhead_plugin_managed_kib", p.MountOverheadPluginManagedKib, "plugin managed heap per extra mount (after induced GC)"),
            ("aot_plugin_mib", p.AotPluginMib, "NativeAOT my-mock-plugin (NativeAot profile): file size"),
            ("aot_external_kv_read_us_p50", p.AotExternalKvReadUsP50, "external read, as above, on the NativeAOT plugin"),
            ("aot_external_kv_read_us_p99", p.AotExternalKvReadUsP99, ""),
            ("aot_external_kv_read_rps_c16", p.AotExternalKvReadRpsC16, "closed loop, 16 callers"),
            ("aot_cold_start_ms_p50", p.AotColdStartMsP50, "cold start, as above, of the NativeAOT plugin"),
            ("aot_plugin_idle_rss_mib", p.AotPluginIdleRssMib, "VmRSS of one idle NativeAOT plugin process"),
            ("aot_mount_overhead_kib", p.AotMountOverheadKib, "mount overhead, as above, no GC induced in the plugin"),
            ("aot_mount_overhead_plugin_rss_kib", p.AotMountOverheadPluginRssKib, "of which plugin RSS"),
        ]);
        if (p.DbNote is { } dbNote)
        {
            output.WriteLine($"  note: {dbNote}");
        }

        if (p.AotNote is { } aotNote)
        {
            output.WriteLine($"  note: {aotNote}");
        }

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
        Ratio(output, "external read / callback floor", p.ExternalKvReadUsP50, f.JsonRpcUdsCallbackRttUsP50);
        Ratio(output, "cold start / bare child first answer", p.ColdStartMsP50, f.JsonRpcChildFirstRpcMsP50);
        Ratio(output, "db creds / CREATE ROLE floor", p.DbCredsMsP50, f.PgCreateRoleMsP50);
        Targets(output, report);
    }

    private static void Targets(TextWriter output, E2eReport report)
    {
        var f = report.Floors;
        var p = report.PluginHost;
        var a = report.Anchors;
        output.WriteLine();
        output.WriteLine("targets (issue 6)");
        Target(output, "external read p50 ≤ 1.3 × callback floor p50", p.ExternalKvReadUsP50, 1.3 * f.JsonRpcUdsCallbackRttUsP50, lowerIsBetter: true);
        Target(output, "external read p50 ≤ go-plugin gRPC callback p50", p.ExternalKvReadUsP50, Number(a, "goplugin_grpc_callback_us_p50"), lowerIsBetter: true);
        Target(output, "external rps c16 ≥ 0.75 × callback floor c16", p.ExternalKvReadRpsC16, 0.75 * f.JsonRpcUdsCallbackRpsC16, lowerIsBetter: false);
        Target(output, "external rps c16 ≥ 1.5 × go-plugin callback c16", p.ExternalKvReadRpsC16, 1.5 * Number(a, "goplugin_grpc_callback_rps_c16"), lowerIsBetter: false);
        Target(output, "builtin kv read ≤ 2 µs", p.BuiltinKvReadUsP50, 2, lowerIsBetter: true);
        Target(output, "route lookup 10k ≤ 1,000 ns", p.RouteLookup10kNs, 1000, lowerIsBetter: true);
        Target(output, "route lookup 10k allocates 0 B", p.RouteLookup10kAllocB, 0, lowerIsBetter: true);
        Target(output, "cold start ≤ 1.25 × bare child first answer", p.ColdStartMsP50, 1.25 * f.JsonRpcChildFirstRpcMsP50, lowerIsBetter: true);
        Target(output, "plugin idle RSS ≤ 1.1 × bare child's", p.PluginIdleRssMib, 1.1 * f.JsonRpcChildIdleRssMib, lowerIsBetter: true);
        Target(output, "mount overhead ≤ 64 KiB", p.MountOverheadKib, 64, lowerIsBetter: true);
        Target(output, "NativeAOT plugin cold start ≤ 60 ms", p.AotColdStartMsP50, 60, lowerIsBetter: true);
        Target(output, "NativeAOT plugin idle RSS ≤ 30 MiB", p.AotPluginIdleRssMib, 30, lowerIsBetter: true);
        Target(output, "SHA-256 ≥ 1 GB/s", p.Sha256GbS, 1, lowerIsBetter: false);
        output.WriteLine();
        output.WriteLine("targets (issue 12)");
        Target(output, "ACL check (100 policies × 50 paths) ≤ 1,000 ns", p.AclCheckNsP50, 1000, lowerIsBetter: true);
        Target(output, "ACL check allocates 0 B", p.AclCheckAllocB, 0, lowerIsBetter: true);
        Target(output, "audit file device adds ≤ 20 µs to an HTTP read", p.AuditOverheadUsP50, 20, lowerIsBetter: true);
        Target(output, "builtin kv read, authorized ≤ 2.5 µs", p.BuiltinKvReadAuthzUsP50, 2.5, lowerIsBetter: true);
        output.WriteLine();
        output.WriteLine("targets (issue 13)");
        Target(output, "plugin limits add ≤ 5 % to the external read p50", p.LimitsOverheadReadP50Pct, 5, lowerIsBetter: true);
        Target(output, "plugin limits cost ≤ 5 % of the external rps c16", p.LimitsOverheadRpsC16Pct, 5, lowerIsBetter: true);
        output.WriteLine();
        output.WriteLine("targets (issue 16)");
        Target(output, "the barrier adds ≤ 2 µs to a builtin kv read", p.BarrierReadOverheadUsP50, 2, lowerIsBetter: true);
        Target(output, "barrier encryption ≥ 1 GB/s for 1 MiB values", p.BarrierEncryptGbS, 1, lowerIsBetter: false);
        output.WriteLine();
        output.WriteLine("targets (issue 17)");
        Target(output, "db creds → login ≤ 1.5 × CREATE ROLE floor", p.DbCredsRatio, 1.5, lowerIsBetter: true);
        output.WriteLine();
        output.WriteLine("targets (issue 19)");
        Target(output, "a listened trace adds ≤ 10 % to the external read p50", p.TracingListenedRatio, 1.1, lowerIsBetter: true);
        Target(output, "tracing with no listener adds ≤ 2 % to the external read p50", p.TracingUnlistenedRatio, 1.02, lowerIsBetter: true);
        output.WriteLine();
        output.WriteLine("targets (issue 18)");
        Target(output, "PostgreSQL storage get ≤ 1.2 × a bare Npgsql SELECT", p.PgStorageGetRatio, 1.2, lowerIsBetter: true);
    }

    private static void Target(TextWriter output, string what, double? value, double? bound, bool lowerIsBetter)
    {
        // A negative memory delta is the GC's or the allocator's timing (see docs/performance.md), not a result.
        var verdict = value is { } v && bound is { } b
            ? v < 0 ? "n/a (negative: noise)" : (lowerIsBetter ? v <= b : v >= b) ? "holds" : "MISSES"
            : "n/a";
        var shown = string.Create(CultureInfo.InvariantCulture, $"{value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "–"} vs {bound?.ToString("0.##", CultureInfo.InvariantCulture) ?? "–"}");
        output.WriteLine($"  {what,-52}{shown,24}   {verdict}");
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
