using System.Text.RegularExpressions;

namespace PluginHost.Backends;

/// <summary>One entry of a <see cref="PathTable"/>: a path pattern, its handlers per operation, and its help.</summary>
/// <remarks>Like a Vault <c>framework.Path</c>: the declaration is the routing, the allowed operations and the help.</remarks>
internal sealed record PathRoute
{
    /// <summary>The pattern the whole path must match, anchored with <c>^…$</c>; named groups carry the parameters.</summary>
    public required Regex Pattern { get; init; }

    /// <summary>The handler of each supported operation.</summary>
    public required IReadOnlyDictionary<Operation, PathHandler> Handlers { get; init; }

    /// <summary>The existence check that lets the host tell a create from an update, or <see langword="null"/> for none.</summary>
    public PathExistenceCheck? ExistenceCheck { get; init; }

    /// <summary>One line saying what the path is for.</summary>
    public required string Synopsis { get; init; }

    /// <summary>A longer description: fields, behaviour, examples.</summary>
    public string Description { get; init; } = "";
}
