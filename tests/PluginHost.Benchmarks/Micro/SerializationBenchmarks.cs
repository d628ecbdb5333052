using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;

namespace PluginHost.Benchmarks.Micro;

/// <summary>
/// The protocol's request and response bodies (<see cref="BackendRequest"/>, <see cref="BackendResponse"/> of a kv read)
/// to and from UTF-8 JSON with the serializer options of the SDK's <c>ProtocolChannel</c>: what each
/// <c>handle_request</c> pays for JSON, without JSON-RPC's envelope and framing.
/// </summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    // Keep in step with src/PluginHost.Sdk/Protocol/ProtocolChannel.cs.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly BackendRequest _request = new()
    {
        Operation = Operation.Read,
        Path = "kv/foo",
        MountPoint = "mock/",
        RequestId = "2f1c9a70-6a43-4a53-9d4e-0f6f9c1f4b1e",
    };

    private readonly BackendResponse _response = BackendResponse.WithData([new("value", "bar")]);
    private byte[] _requestJson = [];
    private byte[] _responseJson = [];

    [GlobalSetup]
    public void Setup()
    {
        _requestJson = JsonSerializer.SerializeToUtf8Bytes(_request, Options);
        _responseJson = JsonSerializer.SerializeToUtf8Bytes(_response, Options);
    }

    [Benchmark]
    public byte[] SerializeRequest() => JsonSerializer.SerializeToUtf8Bytes(_request, Options);

    [Benchmark]
    public BackendRequest? DeserializeRequest() => JsonSerializer.Deserialize<BackendRequest>(_requestJson, Options);

    [Benchmark]
    public byte[] SerializeResponse() => JsonSerializer.SerializeToUtf8Bytes(_response, Options);

    [Benchmark]
    public BackendResponse? DeserializeResponse() => JsonSerializer.Deserialize<BackendResponse>(_responseJson, Options);
}
