using System.Text.Json;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Tests.Unit;

/// <summary>A host that records each request and answers from a table of canned responses, by operation and path.</summary>
internal sealed class FakeTarget : IRequestTarget
{
    private readonly Dictionary<(Operation, string), Func<BackendRequest, TargetResponse?>> _answers = [];

    public List<BackendRequest> Requests { get; } = [];

    public bool Disposed { get; private set; }

    /// <summary>Whether the fake stands for a server (client mode), as the seal's commands need; true unless set.</summary>
    public bool IsRemote { get; init; } = true;

    /// <summary>Answers requests of <paramref name="operation"/> to <paramref name="path"/> with <paramref name="answer"/>.</summary>
    public FakeTarget On(Operation operation, string path, Func<BackendRequest, BackendResponse?> answer)
    {
        _answers[(operation, path)] = request => answer(request) is { } response ? new TargetResponse(response) : null;
        return this;
    }

    /// <summary>Answers with a token in the <c>auth</c> block (a login, a token creation, a renewal), and <paramref name="response"/>.</summary>
    public FakeTarget OnAuth(Operation operation, string path, SecretAuth auth, BackendResponse? response = null)
    {
        _answers[(operation, path)] = _ => new TargetResponse(response ?? new BackendResponse(), auth);
        return this;
    }

    public FakeTarget On(Operation operation, string path, BackendResponse? response) => On(operation, path, _ => response);

    /// <summary>Answers as the host does for a leased secret or a lease's renewal: <paramref name="response"/> with its <c>lease_id</c>.</summary>
    public FakeTarget OnLease(Operation operation, string path, string leaseId, BackendResponse response)
    {
        _answers[(operation, path)] = _ => new TargetResponse(response, LeaseId: leaseId);
        return this;
    }

    /// <summary>Answers with data given as JSON text.</summary>
    public FakeTarget OnJson(Operation operation, string path, string dataJson) =>
        On(operation, path, new BackendResponse { Data = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(dataJson) });

    /// <summary>Fails requests of <paramref name="operation"/> to <paramref name="path"/> as the host would.</summary>
    public FakeTarget Fail(Operation operation, string path, ErrorCode code, string message) =>
        On(operation, path, request => throw new ResponseException(request.Operation, request.Path, (int)code, [message]));

    public Task<TargetResponse?> SendAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return Task.FromResult(_answers.TryGetValue((request.Operation, request.Path), out var answer) ? answer(request) : null);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>The data of the only request sent, as compact JSON with sorted keys.</summary>
    public string SentData(int index = 0)
    {
        var data = Requests[index].Data;
        return data is null
            ? "null"
            : JsonSerializer.Serialize(new SortedDictionary<string, JsonElement>(data.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal));
    }
}
