using System.Text.RegularExpressions;

namespace PluginHost.Sdk;

/// <summary>One entry of a <see cref="PathTable"/>: a path pattern, its fields, its handlers per operation, and its help.</summary>
/// <remarks>
/// Like a Vault <c>framework.Path</c>: the declaration is the routing, the accepted fields, the allowed operations
/// and the help.
/// </remarks>
/// <example>
/// <code>
/// new PathRoute
/// {
///     Pattern = new Regex("^users/(?&lt;name&gt;[^/]+)$"),
///     Fields = new Dictionary&lt;string, FieldSchema&gt;
///     {
///         ["name"] = new() { Type = FieldType.String, Description = "The user's name." },
///         ["password"] = new() { Type = FieldType.String, Description = "The password; required to create." },
///     },
///     Handlers = new Dictionary&lt;Operation, PathHandler&gt; { [Operation.Read] = ReadUserAsync, [Operation.Update] = WriteUserAsync },
///     ExistenceCheck = UserExistsAsync,
///     Synopsis = "Manage a user.",
///     Description = "Users log in with their password at login/&lt;name&gt;.",
/// }
/// </code>
/// </example>
public sealed class PathRoute
{
    /// <summary>The pattern the whole path must match, anchored with <c>^…$</c>; named groups carry the parameters.</summary>
    public required Regex Pattern { get; init; }

    /// <summary>
    /// The fields the path accepts, by name. Named groups of <see cref="Pattern"/> are string fields even when not
    /// declared; declare them to describe them in the help. With no fields declared, the request's data is not
    /// checked and handlers read it from <see cref="BackendRequest.Data"/> (kv does so: any key is data).
    /// </summary>
    public IReadOnlyDictionary<string, FieldSchema> Fields { get; init; } = new Dictionary<string, FieldSchema>(StringComparer.Ordinal);

    /// <summary>
    /// Whether the path takes fields beyond <see cref="Fields"/> (Vault's <c>TakesArbitraryInput</c>): they are not
    /// warned about, and the handler reads them from <see cref="BackendRequest.Data"/> (a database connection's plugin fields).
    /// </summary>
    public bool TakesArbitraryInput { get; init; }

    /// <summary>The handler of each supported operation; any other operation on the path is <see cref="ErrorCode.Unsupported"/>.</summary>
    public required IReadOnlyDictionary<Operation, PathHandler> Handlers { get; init; }

    /// <summary>The existence check that lets the host tell a create from an update, or <see langword="null"/> for none.</summary>
    public PathExistenceCheck? ExistenceCheck { get; init; }

    /// <summary>One line saying what the path is for.</summary>
    public required string Synopsis { get; init; }

    /// <summary>A longer description: behaviour and examples (the fields are listed from <see cref="Fields"/>).</summary>
    public string Description { get; init; } = "";
}
