// A Vault-compatible server whose traces and metrics go to OpenTelemetry. Run it, then call it as Vault:
//   dotnet run --project samples/TelemetryServer
//   curl -s -H "X-Vault-Token: root" -X POST -d '{"type":"kv"}' http://127.0.0.1:8200/v1/sys/mounts/secret
//   curl -s -H "X-Vault-Token: root" -X PUT -d '{"value":"bar"}' http://127.0.0.1:8200/v1/secret/foo
// Each request prints its spans (the HTTP request, the routing, the backend; a plugin's JSON-RPC call and storage
// callbacks too) and, every 10 s, the PluginHost metrics. With OTEL_EXPORTER_OTLP_ENDPOINT set (a collector, Jaeger,
// Tempo), they go there instead.
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PluginHost;
using PluginHost.Http;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(Environment.GetEnvironmentVariable("PLUGIN_HOST_LISTEN") ?? "http://127.0.0.1:8200");
builder.Services.AddPluginHost();
builder.Services.AddPluginHostHttp(o => o.RootToken = "root");

var otlp = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("plugin-host-sample"))
    .WithTracing(tracing =>
    {
        // PluginHost's own spans, under ASP.NET Core's request span.
        tracing.AddSource(PluginHostTelemetry.Name).AddAspNetCoreInstrumentation();
        _ = otlp ? tracing.AddOtlpExporter() : tracing.AddConsoleExporter();
    })
    .WithMetrics(metrics =>
    {
        metrics.AddMeter(PluginHostTelemetry.Name);
        _ = otlp ? metrics.AddOtlpExporter() : metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000);
    });

var app = builder.Build();
app.MapPluginHost();
app.Run();
