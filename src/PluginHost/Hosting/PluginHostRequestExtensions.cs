using System.Text.Json;

namespace PluginHost.Hosting;

/// <summary>Shortcuts for the four everyday requests, in the words of Vault's CLI.</summary>
public static class PluginHostRequestExtensions
{
    /// <summary>Reads <paramref name="path"/> (<c>vault read</c>).</summary>
    /// <param name="host">The host.</param>
    /// <param name="path">The full logical path, such as <c>secret/foo</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response, or <see langword="null"/> when nothing is there.</returns>
    public static ValueTask<BackendResponse?> ReadAsync(this IPluginHost host, string path, CancellationToken cancellationToken = default) =>
        Send(host, Operation.Read, path, null, cancellationToken);

    /// <summary>Writes the fields of <paramref name="data"/> to <paramref name="path"/> (<c>vault write</c>).</summary>
    /// <param name="host">The host.</param>
    /// <param name="path">The full logical path.</param>
    /// <param name="data">An object or dictionary whose JSON form is an object: <c>new { value = "bar" }</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response, or <see langword="null"/> when the backend answers no data.</returns>
    /// <exception cref="ArgumentException"><paramref name="data"/> does not serialize to a JSON object.</exception>
    public static ValueTask<BackendResponse?> WriteAsync(this IPluginHost host, string path, object data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var json = JsonSerializer.SerializeToElement(data);
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"write data must serialize to a JSON object, not {json.ValueKind}; pass an object or a dictionary", nameof(data));
        }

        var fields = json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        return Send(host, Operation.Update, path, fields, cancellationToken);
    }

    /// <summary>Lists the keys below <paramref name="path"/> (<c>vault list</c>).</summary>
    /// <param name="host">The host.</param>
    /// <param name="path">The full logical path of a folder.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The keys (folders end with <c>/</c>); empty when there are none.</returns>
    public static async ValueTask<IReadOnlyList<string>> ListAsync(this IPluginHost host, string path, CancellationToken cancellationToken = default)
    {
        var response = await Send(host, Operation.List, path, null, cancellationToken).ConfigureAwait(false);
        return response?.GetListKeys() ?? [];
    }

    /// <summary>Deletes <paramref name="path"/> (<c>vault delete</c>); deleting what does not exist succeeds.</summary>
    /// <param name="host">The host.</param>
    /// <param name="path">The full logical path.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response, usually <see langword="null"/>.</returns>
    public static ValueTask<BackendResponse?> DeleteAsync(this IPluginHost host, string path, CancellationToken cancellationToken = default) =>
        Send(host, Operation.Delete, path, null, cancellationToken);

    private static ValueTask<BackendResponse?> Send(
        IPluginHost host,
        Operation operation,
        string path,
        IReadOnlyDictionary<string, JsonElement>? data,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.HandleRequestAsync(new BackendRequest { Operation = operation, Path = path, Data = data }, cancellationToken);
    }
}
