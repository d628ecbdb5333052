using System.Diagnostics;
using System.Globalization;
using PluginHost.Benchmarks.E2e.Anchors;
using PluginHost.Benchmarks.E2e.Floors;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Benchmarks.E2e.Results;
using PluginHost.Benchmarks.E2e.Scenarios;
using PluginHost.Tests.Postgres;

namespace PluginHost.Benchmarks.E2e;

/// <summary>
/// Runs every floor and scenario once, in order (in-process floors first, then the host), and fills the report.
/// Progress goes to stderr so that stdout holds only the table.
/// </summary>
internal sealed class E2eRun(E2eOptions options, Workspace workspace, Stopwatch wall)
{
    // The seal: what the barrier adds to a read, its encryption rate, and how long an unseal takes to serve again.
    // Issue 19: what tracing costs the external read, three modes interleaved request by request.
    private async Task MeasureTracingAsync(PluginHostFigures figures, MockPluginBinary plugin, CancellationToken cancellationToken)
    {
        var tracing = await TracingOverhead.MeasureAsync(workspace, plugin, _budget, rounds: 9, requestsPerMode: 2000, Progress, cancellationToken);
        Detail("tracing off µs p50, by round", tracing.OffUsP50);
        Detail("untraced µs p50, by round", tracing.UnlistenedUsP50);
        Detail("traced µs p50, by round", tracing.TracedUsP50);
        Detail("spans recorded", [tracing.SpansRecorded]);
        figures.TracedExternalKvReadUsP50 = Round(tracing.TracedUsP50Median, 2, "traced_external_kv_read_us_p50");
        figures.UntracedExternalKvReadUsP50 = Round(tracing.UnlistenedUsP50Median, 2, "untraced_external_kv_read_us_p50");
        figures.TracingOffExternalKvReadUsP50 = Round(tracing.OffUsP50Median, 2, "tracing_off_external_kv_read_us_p50");
        figures.TracingListenedRatio = Round(tracing.ListenedRatio, 3, "tracing_listened_ratio");
        figures.TracingUnlistenedRatio = Round(tracing.UnlistenedRatio, 3, "tracing_unlistened_ratio");
    }

    private async Task MeasureBarrierAsync(PluginHostFigures figures, LatencySampler sampler, MockPluginBinary plugin, CancellationToken cancellationToken)
    {
        Progress("barrier: builtin kv read behind a static seal and without (alternating passes)");
        var barrier = await BarrierFigures.ReadOverheadAsync(workspace, sampler, passes: 5, cancellationToken);
        Detail("builtin read µs p50 without / with the barrier", [barrier.PlainUsP50, barrier.SealedUsP50]);
        figures.BarrierReadOverheadUsP50 = Round(barrier.OverheadUsP50, 2, "barrier_read_overhead_us_p50");
        Progress("barrier: encryption of 1 MiB values");
        var (encrypt, encryptRuns) = BarrierFigures.EncryptGbS(_budget.Repeats);
        Detail("barrier encrypt GB/s runs", encryptRuns);
        figures.BarrierEncryptGbS = Round(encrypt, 2, "barrier_encrypt_gb_s");
        Progress($"unseal: last of 3 key shares → first answer from an external mount ({_budget.ColdStarts} seal/unseal cycles +1 untimed)");
        var (unseal, unsealSamples) = await BarrierFigures.UnsealAsync(workspace, plugin, _budget.ColdStarts, cancellationToken);
        Detail("unseal ms samples", unsealSamples);
        figures.UnsealMsP50 = Round(unseal, 1, "unseal_ms_p50");
        await ExpectNoPluginProcessAsync(cancellationToken);
    }

    // Database credentials (issue 17): a creds read through the database engine until a login with them answers,
    // against the same CREATE ROLE + GRANT over Npgsql and the same login, interleaved sample by sample on one cluster.
    private async Task MeasureDatabaseAsync(E2eReport report, CancellationToken cancellationToken)
    {
        Progress("database: starting a PostgreSQL cluster");
        PostgresCluster cluster;
        try
        {
            cluster = await PostgresCluster.StartAsync(cancellationToken);
        }
        catch (Exception error) when (error is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Most often PostgreSQL is not installed: say so, keep the rest of the run.
            report.PluginHost.DbNote = $"PostgreSQL figures (database credentials, storage, HA forwarding) not measured: {error.Message.Split('\n')[0]}";
            Progress(report.PluginHost.DbNote);
            return;
        }

        await using (cluster)
        {
            Progress("publishing samples/PostgresDatabasePlugin");
            var plugin = await PostgresPluginBinary.PrepareAsync(workspace, cancellationToken);
            var (passes, perPass) = options.Quick ? (3, 10) : (5, 40);
            Progress($"database: creds read → login + SELECT 1, and CREATE ROLE + GRANT over Npgsql → the same (interleaved, {passes} passes × {perPass} each)");
            var result = await DatabaseCreds.MeasureAsync(workspace, plugin, cluster, _budget, passes, perPass, Progress, cancellationToken);
            Detail("creds ms p50 by pass", result.DbPassP50s);
            Detail("floor ms p50 by pass", result.FloorPassP50s);
            Detail("creds ms p50: read, login + SELECT 1", [result.DbIssueMsP50, result.DbLoginMsP50]);
            Detail("floor ms p50: CREATE ROLE + GRANT, login + SELECT 1", [result.FloorCreateMsP50, result.FloorLoginMsP50]);
            Detail("PostgreSQL sessions per sample: creds, floor", [result.DbSessionsPerSample, result.FloorSessionsPerSample]);
            Detail("breakdown ms p50: creds read of a SELECT 1 role, BEGIN; SELECT 1; COMMIT over Npgsql", [result.NoopCredsMsP50, result.NoopFloorMsP50]);
            report.Floors.PgCreateRoleMsP50 = Round(result.FloorMsP50, 2, "pg_create_role_ms_p50");
            report.PluginHost.DbCredsMsP50 = Round(result.DbMsP50, 2, "db_creds_ms_p50");
            report.PluginHost.DbCredsRatio = Round(result.DbMsP50 / result.FloorMsP50, 2, "db_creds_ratio");

            Progress("storage: PostgresStorage.GetAsync and a bare Npgsql primary-key SELECT (alternating passes)");
            var sampler = new LatencySampler(_budget);
            var storage = await PostgresStorageFigures.StorageGetAsync(cluster, sampler, passes, cancellationToken);
            Detail("storage get µs p50 by pass", storage.FigurePasses);
            Detail("bare SELECT µs p50 by pass", storage.FloorPasses);
            report.Floors.PgSelectUsP50 = Round(storage.FloorUsP50, 2, "pg_select_us_p50");
            report.PluginHost.PgStorageGetUsP50 = Round(storage.FigureUsP50, 2, "pg_storage_get_us_p50");
            report.PluginHost.PgStorageGetRatio = Round(storage.Ratio, 2, "pg_storage_get_ratio");

            Progress("HA: two nodes on the cluster; an HTTP read sent to the active node, and to the standby that forwards it (alternating passes)");
            var forwarded = await PostgresStorageFigures.ForwardedReadAsync(cluster, sampler, passes, cancellationToken);
            Detail("forwarded read µs p50 by pass", forwarded.FigurePasses);
            Detail("direct read µs p50 by pass", forwarded.FloorPasses);
            report.Floors.DirectReadUsP50 = Round(forwarded.FloorUsP50, 2, "direct_read_us_p50");
            report.PluginHost.ForwardedReadUsP50 = Round(forwarded.FigureUsP50, 2, "forwarded_read_us_p50");
            report.PluginHost.ForwardedReadRatio = Round(forwarded.Ratio, 2, "forwarded_read_ratio");
        }

        await ExpectNoPluginProcessAsync(cancellationToken);
    }

    private readonly Budget _budget = options.Quick ? Budget.Quick : Budget.Full;

    public async Task<E2eReport> RunAsync(CancellationToken cancellationToken)
    {
        var report = new E2eReport { Machine = MachineInfo.Collect(options.Quick ? "quick" : "full", _budget, options.PluginEnv) };
        var sampler = new LatencySampler(_budget);
        var floors = report.Floors;
        var figures = report.PluginHost;
        figures.LimitsOn = workspace.LimitsOn;

        if (report.Machine.LoadAverageStart > report.Machine.LogicalCpus)
        {
            Progress($"note: load average {report.Machine.LoadAverageStart} is above the {report.Machine.LogicalCpus} CPUs: other work competes, expect noise");
        }

        if (options.Only == "database")
        {
            await MeasureDatabaseAsync(report, cancellationToken);
            report.Machine.LoadAverageEnd = MachineInfo.LoadAverage();
            return report;
        }

        Progress(options.PluginPath is null ? "publishing samples/MockPlugin" : $"using plugin {options.PluginPath}");
        var plugin = await MockPluginBinary.PrepareAsync(options.PluginPath, options.PluginEnv, workspace, cancellationToken);
        Progress($"plugin: {plugin.Bytes / 1024.0 / 1024:0.0} MiB, sha256 {plugin.Sha256[..12]}…");
        if (options.Only == "barrier")
        {
            await MeasureBarrierAsync(figures, sampler, plugin, cancellationToken);
            return report;
        }

        if (options.Only == "tracing")
        {
            await MeasureTracingAsync(figures, plugin, cancellationToken);
            report.Machine.LoadAverageEnd = MachineInfo.LoadAverage();
            return report;
        }

        Progress("publishing tests/Plugins/PluginHost.Benchmarks.BareChild");
        using var bareChild = await BareChildFloors.PrepareAsync(workspace, cancellationToken);

        Progress("floor: in-process kv call");
        floors.InprocCallNs = Round((await InProcessKvCall.MeasureAsync(sampler, cancellationToken)).P50Ns, 1, "inproc_call_ns");
        Progress("floor: raw Unix socket ping-pong");
        floors.RawUdsRttUsP50 = Round(await P50(RawUdsPingPong.MeasureAsync(sampler, cancellationToken)), 2, "raw_uds_rtt_us_p50");
        Progress("floor: raw Unix socket ping-pong, a blocking thread per end");
        floors.RawUdsBlockingRttUsP50 = Round(await P50(RawUdsPingPong.MeasureBlockingAsync(sampler, cancellationToken)), 2, "raw_uds_blocking_rtt_us_p50");
        Progress("floor: bare JSON-RPC over a Unix socket");
        floors.JsonRpcUdsRttUsP50 = Round(await P50(JsonRpcUdsPing.MeasureAsync(sampler, cancellationToken)), 2, "jsonrpc_uds_rtt_us_p50");
        Progress("floor: bare JSON-RPC over a Unix socket, 64 concurrent callers");
        var (jsonRpcRps, jsonRpcWindows) = await JsonRpcUdsPing.MeasureThroughputAsync(_budget, 64, cancellationToken);
        Detail("rps windows", jsonRpcWindows);
        floors.JsonRpcUdsRpsC64 = Round(jsonRpcRps, 0, "jsonrpc_uds_rps_c64");
        Progress("floor: SDK protocol kv read over a Unix socket");
        floors.SdkProtocolUdsReadUsP50 = Round(await P50(SdkProtocolUdsRead.MeasureAsync(sampler, cancellationToken)), 2, "sdk_protocol_uds_read_us_p50");
        Progress("floor: plugin binary exec to exit");
        floors.PluginExecToExitMsP50 = Round(await PluginExecToExit.MeasureMsAsync(plugin.Path, _budget.ColdStarts, cancellationToken), 1, "plugin_exec_to_exit_ms_p50");

        Progress("floor: bare JSON-RPC child process, call with one callback into the harness (sequential, then 16 callers)");
        var callback = await bareChild.CallbackAsync(_budget, Progress, cancellationToken);
        Rounds("callback µs", callback.Sequential);
        Detail("callback rps windows, 16 callers", callback.Windows);
        floors.JsonRpcUdsCallbackRttUsP50 = Round(callback.Sequential.P50Us, 2, "jsonrpc_uds_callback_rtt_us_p50");
        floors.JsonRpcUdsCallbackRttUsP99 = Round(callback.Sequential.P99Us, 2, "jsonrpc_uds_callback_rtt_us_p99");
        floors.JsonRpcUdsCallbackRpsC16 = Round(callback.RpsC16, 0, "jsonrpc_uds_callback_rps_c16");
        Progress($"floor: bare JSON-RPC child process, start → connect → first answer ({_budget.ColdStarts} fresh processes +1 untimed)");
        var firstAnswer = await bareChild.FirstAnswerMsAsync(_budget.ColdStarts, cancellationToken);
        Detail("first answer ms samples", firstAnswer.Samples);
        floors.JsonRpcChildFirstRpcMsP50 = Round(firstAnswer.P50Ms, 1, "jsonrpc_child_first_rpc_ms_p50");
        Progress($"floor: bare JSON-RPC child idle RSS (after {_budget.Idle.TotalSeconds:0} s idle)");
        floors.JsonRpcChildIdleRssMib = Round(await bareChild.IdleRssMibAsync(_budget, cancellationToken), 1, "jsonrpc_child_idle_rss_mib");
        Progress("floor: single-file hello executable, start to exit");
        floors.ProcessStartMsP50 = Round(await bareChild.ProcessStartMsAsync(_budget.ColdStarts, cancellationToken), 1, "process_start_ms_p50");

        Progress("builtin kv read");
        figures.BuiltinKvReadUsP50 = Round(await P50(BuiltinKvRead.MeasureAsync(workspace, sampler, cancellationToken)), 2, "builtin_kv_read_us_p50");
        Progress("builtin kv read through the full authorized path (token, ACL, per-mount token id)");
        figures.BuiltinKvReadAuthzUsP50 = Round(await P50(BuiltinKvReadAuthorized.MeasureAsync(workspace, sampler, cancellationToken)), 2, "builtin_kv_read_authz_us_p50");

        Progress("audit: HTTP read of a builtin kv secret with and without a file audit device (alternating passes)");
        var audit = await AuditOverhead.MeasureAsync(workspace, sampler, passes: 3, cancellationToken);
        Detail("http read µs p50 without / with audit", [audit.PlainUsP50, audit.AuditedUsP50]);
        figures.AuditOverheadUsP50 = Round(audit.OverheadUsP50, 2, "audit_overhead_us_p50");

        Progress("ACL check: 100 policies × 50 paths on one token (Stopwatch loop)");
        var (aclNs, aclAlloc) = AclWorkload.MeasureCheck(_budget.Warmup, _budget.Repeats * 3);
        figures.AclCheckNsP50 = Round(aclNs, 1, "acl_check_ns_p50");
        figures.AclCheckAllocB = Round(aclAlloc, 2, "acl_check_alloc_b");

        Progress($"route lookup among {InHarnessLibraryFigures.Mounts:N0} mounts (Stopwatch loop)");
        var (routeNs, routeAlloc) = InHarnessLibraryFigures.RouteLookup(_budget);
        figures.RouteLookup10kNs = Round(routeNs, 1, "route_lookup_10k_ns");
        figures.RouteLookup10kAllocB = Round(routeAlloc, 2, "route_lookup_10k_alloc_b");
        Progress("SHA-256 of a 64 MiB file (PluginChecksum.HashAsync)");
        var (sha, shaRuns) = await InHarnessLibraryFigures.Sha256Async(workspace.Root, _budget.Repeats, cancellationToken);
        Detail("sha256 GB/s runs", shaRuns);
        figures.Sha256GbS = Round(sha, 2, "sha256_gb_s");

        var traffic = await ExternalKvTraffic.MeasureAsync(workspace, plugin, _budget, Progress, cancellationToken);
        Rounds("external_kv_read µs", traffic.Sequential);
        foreach (var (callers, windows) in traffic.RequestsPerSecondWindows)
        {
            Detail($"rps windows, {callers} callers", windows);
        }

        figures.ExternalKvReadUsP50 = Round(traffic.Sequential.P50Us, 2, "external_kv_read_us_p50");
        figures.ExternalKvReadUsP99 = Round(traffic.Sequential.P99Us, 2, "external_kv_read_us_p99");
        figures.ExternalKvReadRpsC1 = Round(traffic.RequestsPerSecond[1], 0, "external_kv_read_rps_c1");
        figures.ExternalKvReadRpsC16 = Round(traffic.RequestsPerSecond[16], 0, "external_kv_read_rps_c16");
        figures.ExternalKvReadRpsC64 = Round(traffic.RequestsPerSecond[64], 0, "external_kv_read_rps_c64");
        await ExpectNoPluginProcessAsync(cancellationToken);

        await MeasureTracingAsync(figures, plugin, cancellationToken);

        var limits = await LimitsOverhead.MeasureAsync(workspace, plugin, _budget, passes: 6, Progress, cancellationToken);
        Detail("limits overhead, read p50 %, by pass", limits.ReadP50Pct);
        Detail("limits overhead, rps c16 %, by pass", limits.RpsC16Pct);
        figures.LimitsOverheadReadP50Pct = Round(limits.ReadP50PctMedian, 1, "limits_overhead_read_p50_pct");
        figures.LimitsOverheadRpsC16Pct = Round(limits.RpsC16PctMedian, 1, "limits_overhead_rps_c16_pct");
        await ExpectNoPluginProcessAsync(cancellationToken);

        Progress($"cold start: {_budget.ColdStarts} fresh plugin processes (+1 untimed)");
        var cold = await ColdStart.MeasureAsync(workspace, plugin, _budget.ColdStarts, cancellationToken);
        Detail("cold_start_ms samples", cold.FirstAnswerMs);
        figures.ColdStartMsP50 = Round(cold.FirstAnswerMsP50, 1, "cold_start_ms_p50");
        figures.ColdStartMountMsP50 = Round(cold.MountMsP50, 1, "cold_start_mount_ms_p50");
        await ExpectNoPluginProcessAsync(cancellationToken);

        await MeasureBarrierAsync(figures, sampler, plugin, cancellationToken);
        await MeasureDatabaseAsync(report, cancellationToken);

        Progress($"idle plugin RSS (after {_budget.Idle.TotalSeconds:0} s idle)");
        figures.PluginIdleRssMib = Round(await IdleRss.MeasureMibAsync(workspace, plugin, _budget, cancellationToken), 1, "plugin_idle_rss_mib");
        await ExpectNoPluginProcessAsync(cancellationToken);

        var overheads = await MountOverheadsAsync(plugin, induceGcInPlugin: true, "", cancellationToken);

        figures.MountOverheadKib = Round(Stats.Median(overheads.Select(o => o.TotalRssKib)), 1, "mount_overhead_kib");
        figures.MountOverheadHostRssKib = Round(Stats.Median(overheads.Select(o => o.HostRssKib)), 1, "mount_overhead_host_rss_kib");
        figures.MountOverheadPluginRssKib = Round(Stats.Median(overheads.Select(o => o.PluginRssKib)), 1, "mount_overhead_plugin_rss_kib");
        figures.MountOverheadHostManagedKib = Round(Stats.Median(overheads.Select(o => o.HostManagedKib)), 1, "mount_overhead_host_managed_kib");
        figures.MountOverheadPluginManagedKib = Round(Stats.Median(overheads.Select(o => o.PluginManagedKib)), 1, "mount_overhead_plugin_managed_kib");

        await MeasureNativeAotAsync(figures, cancellationToken);

        // Last, so that the Go processes never share the CPUs with a PluginHost measurement.
        if (options.NoAnchor)
        {
            report.Anchors["note"] = "go-plugin anchor not run: --no-anchor";
        }
        else
        {
            var script = options.AnchorPath ?? GoPluginAnchor.DefaultPath();
            Progress($"go-plugin anchor: bash {script} {string.Join(' ', GoPluginAnchor.KvhostArguments(options.Quick))}");
            await GoPluginAnchor.RunAsync(script, options.Quick, report.Anchors, Progress, cancellationToken);
            foreach (var (key, value) in report.Anchors)
            {
                Progress(string.Create(CultureInfo.InvariantCulture, $"  {key} = {value}"));
            }
        }

        report.Machine.LoadAverageEnd = MachineInfo.LoadAverage();
        return report;
    }

    // The same scenarios on the NativeAOT build (no JIT: start and memory are the point). Its mount overhead is read
    // without the induced GC in the plugin: NativeAOT processes serve no diagnostics port by default.
    private async Task MeasureNativeAotAsync(PluginHostFigures figures, CancellationToken cancellationToken)
    {
        if (options.NoAot)
        {
            figures.AotNote = "NativeAOT plugin not measured: --no-aot";
            return;
        }

        Progress("publishing samples/MockPlugin with -p:PublishProfile=NativeAot");
        MockPluginBinary aot;
        try
        {
            aot = await MockPluginBinary.PrepareNativeAotAsync(options.PluginEnv, workspace, cancellationToken);
        }
        catch (InvalidOperationException error)
        {
            // Most often a missing platform linker (clang or gcc): say so, keep the rest of the report.
            figures.AotNote = $"NativeAOT plugin not measured: {error.Message.Split('\n')[0]}";
            Progress(figures.AotNote);
            return;
        }

        figures.AotPluginMib = Round(aot.Bytes / 1024.0 / 1024, 1, "aot_plugin_mib");
        var traffic = await ExternalKvTraffic.MeasureAsync(workspace, aot, _budget, message => Progress($"NativeAOT: {message}"), cancellationToken);
        Rounds("aot external_kv_read µs", traffic.Sequential);
        figures.AotExternalKvReadUsP50 = Round(traffic.Sequential.P50Us, 2, "aot_external_kv_read_us_p50");
        figures.AotExternalKvReadUsP99 = Round(traffic.Sequential.P99Us, 2, "aot_external_kv_read_us_p99");
        figures.AotExternalKvReadRpsC16 = Round(traffic.RequestsPerSecond[16], 0, "aot_external_kv_read_rps_c16");
        await ExpectNoPluginProcessAsync(cancellationToken);

        Progress($"NativeAOT: cold start, {_budget.ColdStarts} fresh plugin processes (+1 untimed)");
        var cold = await ColdStart.MeasureAsync(workspace, aot, _budget.ColdStarts, cancellationToken);
        Detail("aot cold_start_ms samples", cold.FirstAnswerMs);
        figures.AotColdStartMsP50 = Round(cold.FirstAnswerMsP50, 1, "aot_cold_start_ms_p50");
        await ExpectNoPluginProcessAsync(cancellationToken);

        Progress($"NativeAOT: idle plugin RSS (after {_budget.Idle.TotalSeconds:0} s idle)");
        figures.AotPluginIdleRssMib = Round(await IdleRss.MeasureMibAsync(workspace, aot, _budget, cancellationToken), 1, "aot_plugin_idle_rss_mib");
        await ExpectNoPluginProcessAsync(cancellationToken);

        var overheads = await MountOverheadsAsync(aot, induceGcInPlugin: false, "NativeAOT: ", cancellationToken);

        figures.AotMountOverheadKib = Round(Stats.Median(overheads.Select(o => o.TotalRssKib)), 1, "aot_mount_overhead_kib");
        figures.AotMountOverheadPluginRssKib = Round(Stats.Median(overheads.Select(o => o.PluginRssKib)), 1, "aot_mount_overhead_plugin_rss_kib");
    }

    // The 1 → 100 mounts measurement in as many fresh hosts as the budget says.
    private async Task<List<MountOverhead>> MountOverheadsAsync(MockPluginBinary plugin, bool induceGcInPlugin, string label, CancellationToken cancellationToken)
    {
        var overheads = new List<MountOverhead>();
        for (var repeat = 0; repeat < _budget.MountOverheadRepeats; repeat++)
        {
            Progress($"{label}mount overhead: 1 → {MountOverhead.Mounts} mounts, fresh host {repeat + 1}/{_budget.MountOverheadRepeats}");
            var overhead = await MountOverhead.MeasureAsync(workspace, plugin, _budget, cancellationToken, induceGcInPlugin);
            Detail(
                "mount overhead KiB (total, host rss, plugin rss, host managed, plugin managed)",
                [overhead.TotalRssKib, overhead.HostRssKib, overhead.PluginRssKib, overhead.HostManagedKib, overhead.PluginManagedKib]);
            overheads.Add(overhead);
            await ExpectNoPluginProcessAsync(cancellationToken);
        }

        return overheads;
    }

    private async Task<double> P50(Task<LatencyResult> measurement)
    {
        var result = await measurement;
        Rounds("µs", result);
        return result.P50Us;
    }

    // Every host disposes (stops) its plugins before the next scenario starts; a survivor would skew the next figures.
    private async Task ExpectNoPluginProcessAsync(CancellationToken cancellationToken)
    {
        if (!await workspace.WaitForNoPluginProcessAsync(TimeSpan.FromSeconds(10), cancellationToken))
        {
            throw new InvalidOperationException("a plugin process outlived its host");
        }
    }

    private double Round(double value, int digits, string key)
    {
        var rounded = Math.Round(value, digits);
        Progress(string.Create(CultureInfo.InvariantCulture, $"  {key} = {rounded}"));
        return rounded;
    }

    private void Rounds(string what, LatencyResult result) =>
        Detail(string.Create(CultureInfo.InvariantCulture, $"{what}, {result.Calls:N0} calls, mean {result.MeanUs:0.##} µs; round p50s"), result.RoundP50sUs);

    private void Detail(string what, IEnumerable<double> values)
    {
        if (options.Verbose)
        {
            Progress(string.Create(CultureInfo.InvariantCulture, $"  {what}: {string.Join(" ", values.Select(v => v.ToString("0.##", CultureInfo.InvariantCulture)))}"));
        }
    }

    private void Progress(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{wall.Elapsed.TotalSeconds,6:0.0}s] {message}"));
}
