using System.Text.Json;
using PluginHost.Protocol;
using StreamJsonRpc;

namespace PluginHost.AdversarialPlugin;

/// <summary>
/// Storage calls a plugin must not get away with, sent as raw JSON-RPC (the SDK's storage would refuse most of them
/// before sending): keys that climb out of the view, and instance ids of mounts this connection does not serve.
/// Each attempt's outcome is reported back, so the test can check what the host answered.
/// </summary>
internal static class StorageEscape
{
    /// <summary>Where the value every put writes (<c>{"escaped":true}</c>) would land if the host let it.</summary>
    private static readonly byte[] Value = "{\"escaped\":true}"u8.ToArray();

    /// <summary>Tries every attempt and returns name → <c>refused &lt;code&gt;: &lt;message&gt;</c> or <c>allowed: &lt;result&gt;</c>.</summary>
    /// <param name="rpc">The connection to the host.</param>
    /// <param name="own">This mount's instance.</param>
    /// <param name="data">The request's data: <c>other_instance</c> names another mount (the test passes the other mount's uuid).</param>
    /// <param name="cancellationToken">Stops the attempts.</param>
    public static async Task<IEnumerable<KeyValuePair<string, object?>>> TryAllAsync(
        JsonRpc rpc, SetupParams own, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken)
    {
        var other = data is not null && data.TryGetValue("other_instance", out var value) ? value.GetString() : null;
        var self = own.InstanceId;
        (string Name, string Method, string? Instance, string? Key)[] attempts =
        [
            ("get-parent", ProtocolMethods.StorageGet, self, "../x"),
            ("put-parent-core-mounts", ProtocolMethods.StoragePut, self, "../../core/mounts"),
            ("put-nested-parent", ProtocolMethods.StoragePut, self, "kv/../../../escaped"),
            ("put-absolute", ProtocolMethods.StoragePut, self, "/abs"),
            ("put-backslash-parent", ProtocolMethods.StoragePut, self, "..\\..\\escaped"),
            ("put-empty-key", ProtocolMethods.StoragePut, self, ""),
            ("put-too-long", ProtocolMethods.StoragePut, self, new string('k', 1025)),
            ("get-nul", ProtocolMethods.StorageGet, self, "kv/\0/../../x"),
            ("delete-parent-core-auth", ProtocolMethods.StorageDelete, self, "../../core/auth"),
            ("list-parent", ProtocolMethods.StorageList, self, "../"),
            ("get-other-mount", ProtocolMethods.StorageGet, other, "kv/secret"),
            ("put-other-mount", ProtocolMethods.StoragePut, other, "kv/secret"),
            ("delete-other-mount", ProtocolMethods.StorageDelete, other, "kv/secret"),
            ("list-other-mount", ProtocolMethods.StorageList, other, ""),
            ("get-made-up-instance", ProtocolMethods.StorageGet, "00000000000000000000000000000000", "kv/secret"),
            ("get-own-backend-uuid", ProtocolMethods.StorageGet, own.BackendUuid, "kv/secret"),
            ("get-no-instance", ProtocolMethods.StorageGet, null, "kv/secret"),

            // Valid keys that merely look like the host's own: they must land inside this mount's view.
            ("put-core-lookalike", ProtocolMethods.StoragePut, self, "core/plugin-catalog/secret/my-mock-plugin"),
            ("put-other-view-lookalike", ProtocolMethods.StoragePut, self, $"logical/{other}/kv/secret"),
        ];

        var outcomes = new List<KeyValuePair<string, object?>>();
        foreach (var (name, method, instance, key) in attempts)
        {
            var parameters = new Dictionary<string, object?>(StringComparer.Ordinal) { ["key"] = key };
            if (instance is not null)
            {
                parameters["instance_id"] = instance;
            }

            if (method == ProtocolMethods.StoragePut)
            {
                parameters["value"] = Value;
            }

            try
            {
                var result = await rpc.InvokeWithParameterObjectAsync<JsonElement>(method, parameters, cancellationToken);
                outcomes.Add(new(name, $"allowed: {result.GetRawText()}"));
            }
            catch (RemoteInvocationException refused)
            {
                outcomes.Add(new(name, $"refused {refused.ErrorCode}: {refused.Message}"));
            }
        }

        Stderr.Log("Warning", $"tried {attempts.Length} storage escapes");
        return outcomes;
    }
}
