using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Benchmarks.E2e.Results;

/// <summary>
/// What <c>e2e --json FILE</c> writes: <c>{"machine":{…}, "floors":{…}, "pluginhost":{…}, "anchors":{}}</c>. Figures are
/// numbers with their unit in the key name; a figure left out (not measured) is absent rather than null.
/// </summary>
internal sealed class E2eReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    [JsonPropertyName("machine")]
    public required MachineInfo Machine { get; init; }

    [JsonPropertyName("floors")]
    public FloorFigures Floors { get; init; } = new();

    [JsonPropertyName("pluginhost")]
    public PluginHostFigures PluginHost { get; init; } = new();

    /// <summary>
    /// Reference implementations run in the same harness run: the go-plugin anchor's figures (numbers, <c>goplugin_…</c>),
    /// plus <c>note</c> (why it did not run, or a caveat) and <c>versions</c> (strings) when there are any.
    /// </summary>
    [JsonPropertyName("anchors")]
    public Dictionary<string, object> Anchors { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <summary>
/// The least each PluginHost figure could cost, measured in the same run: in-process (both ends in the harness) and,
/// for the callback, first answer, idle RSS and process start, with the bare StreamJsonRpc child process.
/// </summary>
internal sealed class FloorFigures
{
    [JsonPropertyName("inproc_call_ns")]
    public double? InprocCallNs { get; set; }

    [JsonPropertyName("raw_uds_rtt_us_p50")]
    public double? RawUdsRttUsP50 { get; set; }

    [JsonPropertyName("raw_uds_blocking_rtt_us_p50")]
    public double? RawUdsBlockingRttUsP50 { get; set; }

    [JsonPropertyName("jsonrpc_uds_rtt_us_p50")]
    public double? JsonRpcUdsRttUsP50 { get; set; }

    [JsonPropertyName("jsonrpc_uds_rps_c64")]
    public double? JsonRpcUdsRpsC64 { get; set; }

    [JsonPropertyName("jsonrpc_uds_callback_rtt_us_p50")]
    public double? JsonRpcUdsCallbackRttUsP50 { get; set; }

    [JsonPropertyName("jsonrpc_uds_callback_rtt_us_p99")]
    public double? JsonRpcUdsCallbackRttUsP99 { get; set; }

    [JsonPropertyName("jsonrpc_uds_callback_rps_c16")]
    public double? JsonRpcUdsCallbackRpsC16 { get; set; }

    [JsonPropertyName("jsonrpc_child_first_rpc_ms_p50")]
    public double? JsonRpcChildFirstRpcMsP50 { get; set; }

    [JsonPropertyName("jsonrpc_child_idle_rss_mib")]
    public double? JsonRpcChildIdleRssMib { get; set; }

    [JsonPropertyName("process_start_ms_p50")]
    public double? ProcessStartMsP50 { get; set; }

    [JsonPropertyName("sdk_protocol_uds_read_us_p50")]
    public double? SdkProtocolUdsReadUsP50 { get; set; }

    [JsonPropertyName("plugin_exec_to_exit_ms_p50")]
    public double? PluginExecToExitMsP50 { get; set; }

    /// <summary>CREATE ROLE + GRANT in one transaction on a pooled Npgsql connection, then a login with the new role and SELECT 1: the floor of <c>db_creds_ms_p50</c>.</summary>
    [JsonPropertyName("pg_create_role_ms_p50")]
    public double? PgCreateRoleMsP50 { get; set; }

    /// <summary>A primary-key SELECT of one entry's value over a bare pooled Npgsql data source: the floor of <c>pg_storage_get_us_p50</c>.</summary>
    [JsonPropertyName("pg_select_us_p50")]
    public double? PgSelectUsP50 { get; set; }

    /// <summary>An HTTP read of a builtin kv secret sent to the active node of two sharing PostgreSQL: the floor of <c>forwarded_read_us_p50</c>.</summary>
    [JsonPropertyName("direct_read_us_p50")]
    public double? DirectReadUsP50 { get; set; }
}

internal sealed class PluginHostFigures
{
    /// <summary>Whether the plugins ran under per-plugin resource limits (<c>BenchLimits</c>; <c>--no-limits</c> turns them off).</summary>
    [JsonPropertyName("limits_on")]
    public bool LimitsOn { get; set; }

    [JsonPropertyName("builtin_kv_read_us_p50")]
    public double? BuiltinKvReadUsP50 { get; set; }

    [JsonPropertyName("builtin_kv_read_authz_us_p50")]
    public double? BuiltinKvReadAuthzUsP50 { get; set; }

    [JsonPropertyName("audit_overhead_us_p50")]
    public double? AuditOverheadUsP50 { get; set; }

    [JsonPropertyName("barrier_read_overhead_us_p50")]
    public double? BarrierReadOverheadUsP50 { get; set; }

    [JsonPropertyName("barrier_encrypt_gb_s")]
    public double? BarrierEncryptGbS { get; set; }

    [JsonPropertyName("unseal_ms_p50")]
    public double? UnsealMsP50 { get; set; }

    [JsonPropertyName("acl_check_ns_p50")]
    public double? AclCheckNsP50 { get; set; }

    [JsonPropertyName("acl_check_alloc_b")]
    public double? AclCheckAllocB { get; set; }

    [JsonPropertyName("route_lookup_10k_ns")]
    public double? RouteLookup10kNs { get; set; }

    [JsonPropertyName("route_lookup_10k_alloc_b")]
    public double? RouteLookup10kAllocB { get; set; }

    [JsonPropertyName("sha256_gb_s")]
    public double? Sha256GbS { get; set; }

    [JsonPropertyName("external_kv_read_us_p50")]
    public double? ExternalKvReadUsP50 { get; set; }

    [JsonPropertyName("external_kv_read_us_p99")]
    public double? ExternalKvReadUsP99 { get; set; }

    [JsonPropertyName("external_kv_read_rps_c1")]
    public double? ExternalKvReadRpsC1 { get; set; }

    [JsonPropertyName("external_kv_read_rps_c16")]
    public double? ExternalKvReadRpsC16 { get; set; }

    [JsonPropertyName("external_kv_read_rps_c64")]
    public double? ExternalKvReadRpsC64 { get; set; }

    /// <summary>The external kv read's p50 with a listener recording every PluginHost span (interleaved request by request with the two below).</summary>
    [JsonPropertyName("traced_external_kv_read_us_p50")]
    public double? TracedExternalKvReadUsP50 { get; set; }

    /// <summary>The same with tracing on and nothing recording (the default).</summary>
    [JsonPropertyName("untraced_external_kv_read_us_p50")]
    public double? UntracedExternalKvReadUsP50 { get; set; }

    /// <summary>The same with <c>PluginHostTelemetry.TracingEnabled</c> off.</summary>
    [JsonPropertyName("tracing_off_external_kv_read_us_p50")]
    public double? TracingOffExternalKvReadUsP50 { get; set; }

    /// <summary>Median over rounds of traced ÷ untraced.</summary>
    [JsonPropertyName("tracing_listened_ratio")]
    public double? TracingListenedRatio { get; set; }

    /// <summary>Median over rounds of untraced ÷ tracing off.</summary>
    [JsonPropertyName("tracing_unlistened_ratio")]
    public double? TracingUnlistenedRatio { get; set; }

    /// <summary>How much slower the sequential external kv read's p50 is with <c>BenchLimits</c> than without, in percent (alternating passes).</summary>
    [JsonPropertyName("limits_overhead_read_p50_pct")]
    public double? LimitsOverheadReadP50Pct { get; set; }

    /// <summary>How much lower the external kv read's rps at 16 callers is with <c>BenchLimits</c> than without, in percent.</summary>
    [JsonPropertyName("limits_overhead_rps_c16_pct")]
    public double? LimitsOverheadRpsC16Pct { get; set; }

    [JsonPropertyName("cold_start_ms_p50")]
    public double? ColdStartMsP50 { get; set; }

    [JsonPropertyName("cold_start_mount_ms_p50")]
    public double? ColdStartMountMsP50 { get; set; }

    [JsonPropertyName("plugin_idle_rss_mib")]
    public double? PluginIdleRssMib { get; set; }

    [JsonPropertyName("mount_overhead_kib")]
    public double? MountOverheadKib { get; set; }

    [JsonPropertyName("mount_overhead_host_rss_kib")]
    public double? MountOverheadHostRssKib { get; set; }

    [JsonPropertyName("mount_overhead_plugin_rss_kib")]
    public double? MountOverheadPluginRssKib { get; set; }

    [JsonPropertyName("mount_overhead_host_managed_kib")]
    public double? MountOverheadHostManagedKib { get; set; }

    [JsonPropertyName("mount_overhead_plugin_managed_kib")]
    public double? MountOverheadPluginManagedKib { get; set; }

    [JsonPropertyName("aot_plugin_mib")]
    public double? AotPluginMib { get; set; }

    [JsonPropertyName("aot_external_kv_read_us_p50")]
    public double? AotExternalKvReadUsP50 { get; set; }

    [JsonPropertyName("aot_external_kv_read_us_p99")]
    public double? AotExternalKvReadUsP99 { get; set; }

    [JsonPropertyName("aot_external_kv_read_rps_c16")]
    public double? AotExternalKvReadRpsC16 { get; set; }

    [JsonPropertyName("aot_cold_start_ms_p50")]
    public double? AotColdStartMsP50 { get; set; }

    [JsonPropertyName("aot_plugin_idle_rss_mib")]
    public double? AotPluginIdleRssMib { get; set; }

    [JsonPropertyName("aot_mount_overhead_kib")]
    public double? AotMountOverheadKib { get; set; }

    [JsonPropertyName("aot_mount_overhead_plugin_rss_kib")]
    public double? AotMountOverheadPluginRssKib { get; set; }

    /// <summary>A <c>database/creds/readonly</c> read through the host (PostgreSQL plugin process) until a login with the credentials answered SELECT 1.</summary>
    [JsonPropertyName("db_creds_ms_p50")]
    public double? DbCredsMsP50 { get; set; }

    /// <summary><c>db_creds_ms_p50</c> / <c>floors.pg_create_role_ms_p50</c>, same run.</summary>
    [JsonPropertyName("db_creds_ratio")]
    public double? DbCredsRatio { get; set; }

    /// <summary><c>PostgresStorage.GetAsync</c> of one entry.</summary>
    [JsonPropertyName("pg_storage_get_us_p50")]
    public double? PgStorageGetUsP50 { get; set; }

    /// <summary><c>pg_storage_get_us_p50</c> / <c>floors.pg_select_us_p50</c>, the median of alternating passes' ratios.</summary>
    [JsonPropertyName("pg_storage_get_ratio")]
    public double? PgStorageGetRatio { get; set; }

    /// <summary>The same read as <c>floors.direct_read_us_p50</c> sent to the standby, which forwards it to the active node.</summary>
    [JsonPropertyName("forwarded_read_us_p50")]
    public double? ForwardedReadUsP50 { get; set; }

    /// <summary><c>forwarded_read_us_p50</c> / <c>floors.direct_read_us_p50</c>, the median of alternating passes' ratios.</summary>
    [JsonPropertyName("forwarded_read_ratio")]
    public double? ForwardedReadRatio { get; set; }

    /// <summary>Why the database figures are absent (PostgreSQL not found, or its cluster did not start), else null.</summary>
    [JsonPropertyName("db_note")]
    public string? DbNote { get; set; }

    /// <summary>Why the NativeAOT figures are absent (<c>--no-aot</c>, or the publish failed), else null.</summary>
    [JsonPropertyName("aot_note")]
    public string? AotNote { get; set; }
}
