using System.Text.Json;

namespace PluginHost.ConsoleHost.Requests;

/// <summary>
/// The four logical operations over an <see cref="IRequestTarget"/>, with the answers Vault's <c>api.Logical</c> gives:
/// a read or list of a path with nothing there (a null answer or a 404) is <see langword="null"/>, not an error.
/// </summary>
internal sealed class LogicalClient(IRequestTarget target)
{
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

    /// <summary>Writes; a write is sent as an update and the host makes it a create when the backend's existence check says so.</summary>
    public Task<Secret?> WriteAsync(string path, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken) =>
        SendAsync(Operation.Update, path, data, cancellationToken);

    public Task<Secret?> DeleteAsync(string path, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken) =>
        SendAsync(Operation.Delete, path, data, cancellationToken);

    private async Task<Secret?> SendAsync(Operation operation, string path, IReadOnlyDictionary<string, JsonElement>? data, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString();
        var request = new BackendRequest { Operation = operation, Path = path, Data = data, RequestId = requestId };
        var response = await target.SendAsync(request, cancellationToken);
        return response is null || IsEmpty(response) ? null : Secret.From(response, requestId);
    }

    // Vault answers 204 No Content for a response without data, warnings, lease or auth; its client makes that null.
    private static bool IsEmpty(BackendResponse response) =>
        response.Data is not { Count: > 0 } && response.Warnings is not { Count: > 0 } && response.Secret is null && response.Auth is null;
}
