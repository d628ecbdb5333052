using System.Text.RegularExpressions;

namespace PluginHost.Sdk;

/// <summary>One entry of a <see cref="PathTable"/>: a path pattern, its handlers per operation, and its help.</summary>
/// <remarks>Like a Vault <c>framework.Path</c>: the declaration is the routing, the allowed operations and the help.</remarks>
/// <example>
/// <code>
/// new PathRoute
/// {
///     Pattern = new Regex("^users/(?&lt;name&gt;[^/]+)$"),
///     Handlers = new Dictionary&lt;Operation, PathHandler&gt; { [Operation.Read] = ReadUserAsync, [Operation.Update] = WriteUserAsync },
///     ExistenceCheck = UserExistsAsync,
///     Synopsis = "Manage a user.",
///     Description = "Field 'password' (required to create).",
/// }
/// </code>
/// </example>
public sealed class PathRoute
{
    /// <summary>The pattern the whole path must match, anchored with <c>^…$</c>; named groups carry the parameters.</summary>
    public required Regex Pattern { get; init; }

    /// <summary>The handler of each supported operation; any other operation on the path is <see cref="ErrorCode.Unsupported"/>.</summary>
    public required IReadOnlyDictionary<Operation, PathHandler> Handlers { get; init; }

    /// <summary>The existence check that lets the host tell a create from an update, or <see langword="null"/> for none.</summary>
    public PathExistenceCheck? ExistenceCheck { get; init; }

    /// <summary>One line saying what the path is for.</summary>
    public required string Synopsis { get; init; }

    /// <summary>A longer description: fields, behaviour, examples.</summary>
    public string Description { get; init; } = "";
}
