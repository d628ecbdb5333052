using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Cli.Server;

namespace PluginHost.Cli.Tests.Unit;

/// <summary><c>log_format = "json"</c>: Vault's (hclog's) line shape, level names, the message's and scopes' fields, the trace.</summary>
[TestClass]
public sealed class VaultJsonLogFormatterTests
{
    private static JsonElement Format(LogLevel level, string template, object?[] args, Exception? error = null, IReadOnlyDictionary<string, object?>? scope = null)
    {
        var scopes = new LoggerExternalScopeProvider();
        using var _ = scope is null ? null : scopes.Push(scope);
        var state = new FormattedState(template, args);
        var entry = new LogEntry<FormattedState>(level, "PluginHost.Mounts.MountTable", default, state, error, (s, _) => s.ToString());
        using var output = new StringWriter();
        new VaultJsonLogFormatter().Write(entry, scopes, output);
        var line = output.ToString();
        Assert.IsTrue(line.EndsWith('\n') && line.IndexOf('\n', StringComparison.Ordinal) == line.Length - 1, "one line");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    [TestMethod]
    [DataRow(LogLevel.Trace, "trace")]
    [DataRow(LogLevel.Debug, "debug")]
    [DataRow(LogLevel.Information, "info")]
    [DataRow(LogLevel.Warning, "warn")]
    [DataRow(LogLevel.Error, "error")]
    [DataRow(LogLevel.Critical, "error")]
    public void Levels_AreVaultsNames(LogLevel level, string name) =>
        Assert.AreEqual(name, Format(level, "x", []).GetProperty("@level").GetString());

    [TestMethod]
    public void ALine_HasVaultsKeys_Sorted_WithTheMessagesFieldsScopesAndError()
    {
        var line = Format(LogLevel.Warning, "Mount {MountPath} failed {FailuresInARow} time(s)", ["secret/", 3], new InvalidOperationException("boom"), new Dictionary<string, object?> { ["PluginName"] = "kv" });

        var keys = line.EnumerateObject().Select(p => p.Name).ToArray();
        CollectionAssert.AreEqual(keys.Order(StringComparer.Ordinal).ToArray(), keys, "keys sorted, as hclog writes them");
        Assert.AreEqual("Mount secret/ failed 3 time(s)", line.GetProperty("@message").GetString());
        Assert.AreEqual("PluginHost.Mounts.MountTable", line.GetProperty("@module").GetString());
        StringAssert.Matches(line.GetProperty("@timestamp").GetString(), new System.Text.RegularExpressions.Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"));
        Assert.AreEqual("secret/", line.GetProperty("mount_path").GetString());
        Assert.AreEqual("3", line.GetProperty("failures_in_a_row").GetString());
        Assert.AreEqual("kv", line.GetProperty("plugin_name").GetString());
        StringAssert.StartsWith(line.GetProperty("error").GetString(), "System.InvalidOperationException: boom");
        Assert.IsFalse(line.TryGetProperty("trace_id", out _), "no trace outside one");
    }

    [TestMethod]
    public void ALineInsideATrace_CarriesItsIds()
    {
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();

        var line = Format(LogLevel.Information, "served", []);

        Assert.AreEqual(activity.TraceId.ToHexString(), line.GetProperty("trace_id").GetString());
        Assert.AreEqual(activity.SpanId.ToHexString(), line.GetProperty("span_id").GetString());
    }

    // A structured message as LoggerMessage makes one: its values by name, and the template under {OriginalFormat}.
    private sealed class FormattedState(string template, object?[] args) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _values = Values(template, args);

        public int Count => _values.Count;

        public KeyValuePair<string, object?> this[int index] => _values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString()
        {
            var text = template;
            foreach (var (key, value) in _values.Where(v => v.Key != "{OriginalFormat}"))
            {
                text = text.Replace("{" + key + "}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }

            return text;
        }

        private static List<KeyValuePair<string, object?>> Values(string template, object?[] args)
        {
            var names = System.Text.RegularExpressions.Regex.Matches(template, @"\{(\w+)\}").Select(m => m.Groups[1].Value).ToArray();
            var values = names.Zip(args, (n, a) => new KeyValuePair<string, object?>(n, a)).ToList();
            values.Add(new("{OriginalFormat}", template));
            return values;
        }
    }
}
