using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PluginHost.Http.Tests;

/// <summary>
/// <c>sys/metrics</c> over Vault's API: Prometheus text that parses line by line under the exposition format's rules
/// and counts the requests made, go-metrics JSON, the token it needs, and an unknown format refused.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed partial class MetricsApiTests
{
    [TestMethod]
    public async Task PrometheusText_Parses_AndCountsTheRequestsMade()
    {
        await using var server = await ApiServer.StartAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/counted", """{"type":"kv"}"""));
        var before = Parse(await PrometheusAsync(server));
        const int Reads = 7;
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "counted/a", """{"v":"1"}"""));
        for (var i = 0; i < Reads; i++)
        {
            await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "counted/a"));
        }

        await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("GET", "counted/missing"));

        var after = Parse(await PrometheusAsync(server));

        const string Count = "pluginhost_request_duration_seconds_count";
        Assert.AreEqual(Reads, Delta(before, after, Count, ("mount", "counted/"), ("operation", "read"), ("status", "200")));
        Assert.AreEqual(1, Delta(before, after, Count, ("mount", "counted/"), ("operation", "read"), ("status", "404")));
        Assert.AreEqual(1, Delta(before, after, Count, ("mount", "counted/"), ("operation", "update"), ("status", "204")));
        var infinity = after.Single(s => s.Name == "pluginhost_request_duration_seconds_bucket" && s.Has(("mount", "counted/"), ("operation", "read"), ("status", "200"), ("le", "+Inf")));
        Assert.AreEqual(Value(after, Count, ("mount", "counted/"), ("operation", "read"), ("status", "200")), infinity.Value, "the +Inf bucket is the count");
        Assert.IsTrue(Delta(before, after, "pluginhost_storage_duration_seconds_count", ("operation", "get")) >= Reads + 1, "every read and the miss read storage");
        Assert.IsTrue(after.Any(s => s.Name == "pluginhost_requests_in_flight"), "the in-flight gauge is there");
    }

    [TestMethod]
    public async Task GoMetricsJson_HasVaultsShape_AndAnUnknownFormatOrNoTokenIsRefused()
    {
        await using var server = await ApiServer.StartAsync();
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts"));

        using var response = await server.SendAsync("GET", "sys/metrics");
        var text = await response.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(text).RootElement;
        var unknown = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("GET", "sys/metrics?format=xml"));
        var anonymous = await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsAsync(null, "GET", "sys/metrics?format=prometheus"));

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, text);
        Assert.AreEqual("application/json", response.Content.Headers.ContentType!.MediaType);
        CollectionAssert.AreEqual(new[] { "Timestamp", "Gauges", "Points", "Counters", "Samples" }, json.EnumerateObject().Select(p => p.Name).ToArray());
        StringAssert.EndsWith(json.GetProperty("Timestamp").GetString(), " +0000 UTC");
        var sample = json.GetProperty("Samples").EnumerateArray().First(s => s.GetProperty("Name").GetString() == "pluginhost.request.duration");
        CollectionAssert.AreEqual(new[] { "Name", "Count", "Rate", "Sum", "Min", "Max", "Mean", "Stddev", "Labels" }, sample.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(JsonValueKind.Object, sample.GetProperty("Labels").ValueKind);
        Assert.AreEqual("metric response format \"xml\" unknown; give format=prometheus, or none for JSON", unknown.GetProperty("errors")[0].GetString());
        Assert.AreEqual("permission denied", anonymous.GetProperty("errors")[0].GetString());
    }

    private static async Task<string> PrometheusAsync(ApiServer server)
    {
        using var response = await server.SendAsync("GET", "sys/metrics?format=prometheus");
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, text);
        Assert.AreEqual("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        return text;
    }

    private static double Value(List<Sample> samples, string name, params (string, string)[] labels) =>
        samples.SingleOrDefault(s => s.Name == name && s.Has(labels))?.Value ?? 0;

    private static double Delta(List<Sample> before, List<Sample> after, string name, params (string, string)[] labels) =>
        Value(after, name, labels) - Value(before, name, labels);

    // The exposition format's rules, checked line by line: HELP and TYPE once per metric and before its samples,
    // sample lines "name{label="value",…} number", escapes in label values, a final newline.
    private static List<Sample> Parse(string text)
    {
        Assert.IsTrue(text.EndsWith('\n'), "the text ends with a newline");
        var samples = new List<Sample>();
        var typed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.HasCount(4, parts, line);
                Assert.IsTrue(typed.TryAdd(parts[2], parts[3]), $"one TYPE line for {parts[2]}");
                CollectionAssert.Contains(new[] { "counter", "gauge", "histogram" }, parts[3], line);
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.IsTrue(match.Success, $"not a sample line: {line}");
            var name = match.Groups["name"].Value;
            var family = Regex.Replace(name, "_(bucket|sum|count)$", "");
            Assert.IsTrue(typed.ContainsKey(name) || typed.ContainsKey(family), $"{name} has a TYPE line before it");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal));
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var number => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(name, labels, value));
        }

        return samples;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*=""([^""\\]|\\.)*"",?)*)\})? (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>([^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();

    private sealed record Sample(string Name, Dictionary<string, string> Labels, double Value)
    {
        public bool Has(params (string Key, string Value)[] labels) =>
            labels.Length == Labels.Count - (Labels.ContainsKey("le") && labels.All(l => l.Key != "le") ? 1 : 0)
            && labels.All(l => Labels.TryGetValue(l.Key, out var v) && v == l.Value);
    }
}
