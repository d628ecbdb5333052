using System.Text.Json;
using System.Text.Json.Serialization;
using PluginHost.Database;
using PluginHost.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// Source-generated JSON for every type that crosses the plugin protocol. The formatter uses it alone, so the SDK needs
/// no reflection to encode messages: plugins can be trimmed or compiled with NativeAOT, and a fresh process starts without
/// building serializers at run time.
/// </summary>
/// <remarks>A type sent on the wire and missing here fails loudly (NotSupportedException) in every build, not only in AOT.</remarks>
[JsonSerializable(typeof(HelloParams))]
[JsonSerializable(typeof(HelloResult))]
[JsonSerializable(typeof(SetupParams))]
[JsonSerializable(typeof(SetupResult))]
[JsonSerializable(typeof(InstanceParams))]
[JsonSerializable(typeof(InstanceRequestParams))]
[JsonSerializable(typeof(BackendResponse))]
[JsonSerializable(typeof(StorageEntry))]
[JsonSerializable(typeof(DatabaseCallParams<InitializeRequest>))]
[JsonSerializable(typeof(DatabaseCallParams<NewUserRequest>))]
[JsonSerializable(typeof(DatabaseCallParams<UpdateUserRequest>))]
[JsonSerializable(typeof(DatabaseCallParams<DeleteUserRequest>))]
[JsonSerializable(typeof(DatabaseCallParams<DatabaseInstance>))]
[JsonSerializable(typeof(InitializeResponse))]
[JsonSerializable(typeof(NewUserResponse))]
[JsonSerializable(typeof(DatabaseTypeResult))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(bool?))]
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(JsonElement))]
// StreamJsonRpc's own payloads, read and written with the same options: error data, and the id in $/cancelRequest
// (its converter, which the formatter adds to the options, takes precedence over the generated metadata).
[JsonSerializable(typeof(CommonErrorData))]
[JsonSerializable(typeof(RequestId))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
