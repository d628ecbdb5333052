using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using PluginHost.Backends;
using PluginHost.Catalog;
using PluginHost.Sdk;

namespace PluginHost.Http.Tests;

/// <summary>
/// One trace across the plugin boundary, seen by OpenTelemetry's in-memory exporter: an HTTP read of a kv plugin
/// served over the real plugin protocol (in memory) shows the HTTP span, the routing and backend spans, the JSON-RPC
/// client span, the plugin's server span, its storage call and the host's storage callback span, each the child of
/// the one before, in one trace.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class TracingTests
{
    private static async Task<(ApiServer Server, PluginHarness Plugin)> StartAsync()
    {
        var plugin = await PluginHarness.StartAsync(() => new KvBackend());
        var server = await ApiServer.StartAsync(services: s => s.AddSingleton(new BuiltinPlugin("harness-kv", BackendType.Secret, _ => plugin.CreateBackend())));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/kv", """{"type":"harness-kv"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "kv/app", """{"password":"p"}"""));
        return (server, plugin);
    }

    [TestMethod]
    public async Task AnExternalPluginRead_IsOneTrace_FromTheHttpRequestToTheStorageCallback()
    {
        var (server, plugin) = await StartAsync();
        await using var _ = server;
        await using var __ = plugin;
        var spans = new List<Activity>();
        using (OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(PluginHostTelemetry.Name).AddInMemoryExporter(spans).Build())
        {
            await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "kv/app"));
        }

        var http = spans.SingleOrDefault(s => s.DisplayName == "GET /v1/{**path}")
            ?? throw new AssertFailedException($"no HTTP span; all: [{string.Join(", ", spans.Select(s => $"{s.DisplayName}({s.Kind})"))}]");
        var route = ChildOf(spans, http, "PluginHost.route");
        var backend = ChildOf(spans, route, "PluginHost.backend");
        var client = ChildOf(spans, backend, "backend.handleRequest");
        var pluginServer = ChildOf(spans, client, "backend.handleRequest");
        var pluginStorage = ChildOf(spans, pluginServer, "storage.get");
        var hostStorage = ChildOf(spans, pluginStorage, "storage.get");

        Assert.AreEqual(ActivityKind.Server, http.Kind);
        Assert.AreEqual(ActivityKind.Client, client.Kind);
        Assert.AreEqual(ActivityKind.Server, pluginServer.Kind);
        Assert.AreEqual(ActivityKind.Client, pluginStorage.Kind);
        Assert.AreEqual(ActivityKind.Server, hostStorage.Kind);
        Assert.IsTrue(spans.All(s => s.TraceId == http.TraceId), "every span is in the HTTP request's trace");
        Assert.AreEqual("jsonrpc", client.GetTagItem("rpc.system"));
        Assert.AreEqual("backend.handleRequest", pluginServer.GetTagItem("rpc.method"));
        Assert.AreEqual("kv/", backend.GetTagItem("pluginhost.mount"));
        Assert.AreEqual("harness-kv", backend.GetTagItem("pluginhost.plugin"));
        Assert.AreEqual(200, http.GetTagItem("http.response.status_code"));
        Assert.AreEqual(200, route.GetTagItem("pluginhost.status"));
    }

    [TestMethod]
    public async Task ACallersTraceparent_IsContinued_AndTracingOff_StartsNoSpan()
    {
        var (server, plugin) = await StartAsync();
        await using var _ = server;
        await using var __ = plugin;
        var spans = new List<Activity>();
        using (OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(PluginHostTelemetry.Name).AddInMemoryExporter(spans).Build())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/kv/app");
            request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            request.Headers.Add("X-Vault-Token", ApiServer.RootToken);
            using var client = server.AnonymousClient();
            Assert.AreEqual(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

            PluginHostTelemetry.TracingEnabled = false;
            try
            {
                await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "kv/app"));
            }
            finally
            {
                PluginHostTelemetry.TracingEnabled = true;
            }
        }

        var http = spans.Single(s => s.DisplayName == "GET /v1/{**path}");
        Assert.AreEqual("0af7651916cd43dd8448eb211c80319c", http.TraceId.ToHexString());
        Assert.AreEqual("b7ad6b7169203331", http.ParentSpanId.ToHexString(), "the caller's span is the parent");
        Assert.IsTrue(spans.All(s => s.TraceId == http.TraceId), "the read with tracing off added no span, in this trace or another");
    }

    private static Activity ChildOf(List<Activity> spans, Activity parent, string name)
    {
        var children = spans.Where(s => s.ParentSpanId == parent.SpanId && s.TraceId == parent.TraceId).ToList();
        return children.SingleOrDefault(s => s.DisplayName == name)
            ?? throw new AssertFailedException($"no span '{name}' under '{parent.DisplayName}'; its children: [{string.Join(", ", children.Select(c => c.DisplayName))}]; all: [{string.Join(", ", spans.Select(s => $"{s.DisplayName}({s.Kind})"))}]");
    }
}
