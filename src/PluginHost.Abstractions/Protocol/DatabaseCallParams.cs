using System.Text.Json.Serialization;

namespace PluginHost.Protocol;

/// <summary>The parameters of the <c>database.*</c> calls: the database instance (one connection) and the call's request.</summary>
/// <typeparam name="TRequest">The request type of the method; <see cref="DatabaseInstance"/> for methods without one.</typeparam>
public sealed record DatabaseCallParams<TRequest>
    where TRequest : class
{
    /// <summary>The database instance: 32 hex digits the host chose at <see cref="ProtocolMethods.DatabaseInitialize"/>.</summary>
    [JsonPropertyName("instance_id")]
    public string InstanceId { get; init; } = "";

    /// <summary>The call's request, or <see langword="null"/> for <see cref="ProtocolMethods.DatabaseType"/> and <see cref="ProtocolMethods.DatabaseClose"/>.</summary>
    [JsonPropertyName("request")]
    public TRequest? Request { get; init; }
}

/// <summary>The request of the <c>database.*</c> calls that take none.</summary>
public sealed record DatabaseInstance;

/// <summary>The answer of <see cref="ProtocolMethods.DatabaseType"/>.</summary>
public sealed record DatabaseTypeResult
{
    /// <summary>The kind of database, such as <c>postgresql</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }
}
