using System.Text.Json;

namespace PluginHost.Cli.Requests;

/// <summary>
/// The four logical operations over an <see cref="IRequestTarget"/>, with the answers Vault's <c>api.Logical</c> gives:
/// a read or list of a path with nothing there (a null answer or a 404) is <see langword="null"/>, not an error.
/// </summary>
/// <param name="target">Where the requests go.</param>
/// <param name="token">A token to send the requests as, instead of the target's own caller; null for the target's.</param>
internal sealed class LogicalClient(IRequestTarget target, string? token = null)
{
    /// <summary>Whether the requests go to a running server (<see cref="IRequestTarget.IsRemote"/>).</summary>
    public bool IsRemote => target.IsRemote;

    /// <summary>A client whose requests go to the same target as <paramref name="clientToken"/> (Vault's <c>client.SetToken</c>).</summary>
    public LogicalClient WithToken(string clientToken) => new(target, clientToken);

    public async Task<Secret?> ReadAsync(string path, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(Operation.Read, path, data, cancellationToken);
        }
        catch (ResponseException error) when (error.StatusCode == 404)
        {
            return null;
        }
    }

    public async Task<Secret?> ListAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(Operation.List, path, null, cancellationToken);
        }
        catch (ResponseException error) when (error.StatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>Vault's help operation: the backend's help for <paramref name="path"/> (<c>help</c> in the data).</summary>
    public Task<Secret?> HelpAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(Operation.Help, path, null, cancellationToken);

    /// <summary>Writes; a write is sent as an update and the host makes it a create when the backend's existence check says so.</summary>
    public Task<Secret?> WriteAsync(string path, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken) =>
        SendAsync(Operation.Update, path, data, cancellationToken);

    /// <summary>Patches <paramref name="path"/> with a JSON merge patch (HTTP <c>PATCH</c>).</summary>
    public Task<Secret?> PatchAsync(string path, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken) =>
        SendAsync(Operation.Patch, path, data, cancellationToken);

    public Task<Secret?> DeleteAsync(string path, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken) =>
        SendAsync(Operation.Delete, path, data, cancellationToken);

    private async Task<Secret?> SendAsync(Operation operation, string path, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString();
        var request = new BackendRequest { Operation = operation, Path = path, Data = data, RequestId = requestId, ClientToken = token };
        var answer = await target.SendAsync(request, cancellationToken);
        return answer is null || IsEmpty(answer) ? null : Secret.From(answer, requestId);
    }

    // Vault answers 204 No Content for a response without data, warnings, lease or auth; its client makes that null.
    private static bool IsEmpty(TargetResponse answer) =>
        answer.Auth is null && string.IsNullOrEmpty(answer.LeaseId) && answer.Response is { Data: not { Count: > 0 }, Warnings: not { Count: > 0 }, Secret: null };
}
