using System.Text.Json;

namespace PluginHost.Tests.Backends;

/// <summary>Builds requests and set-up configs for backend tests.</summary>
internal static class BackendTestContext
{
    public static async Task<T> SetUpAsync<T>(T backend, IStorage storage, Microsoft.Extensions.Logging.ILogger? logger = null)
        where T : IBackend
    {
        await backend.SetupAsync(
            new BackendConfig
            {
                Storage = storage,
                MountPath = backend.Type == BackendType.Auth ? "auth/userpass/" : "secret/",
                BackendUuid = Guid.NewGuid().ToString(),
                Type = backend.Type,
                Logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            },
            CancellationToken.None);
        return backend;
    }

    public static BackendRequest Request(Operation operation, string path, params (string Name, object? Value)[] fields) => new()
    {
        Operation = operation,
        Path = path,
        Data = fields.Length == 0 ? null : fields.ToDictionary(f => f.Name, f => JsonSerializer.SerializeToElement(f.Value), StringComparer.Ordinal),
    };

    public static ValueTask<BackendResponse?> SendAsync(this IBackend backend, Operation operation, string path, params (string Name, object? Value)[] fields) =>
        backend.HandleRequestAsync(Request(operation, path, fields), CancellationToken.None);

    public static string? Field(this BackendResponse? response, string name) =>
        response?.Data is { } data && data.TryGetValue(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;
}
