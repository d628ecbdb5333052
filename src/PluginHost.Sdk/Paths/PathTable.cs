using System.Text;
using System.Text.RegularExpressions;

namespace PluginHost.Sdk;

/// <summary>Routes a request to the first <see cref="PathRoute"/> whose pattern matches its path, then to the operation's handler.</summary>
/// <remarks>
/// Errors follow Vault's framework: a path no route matches is <see cref="ErrorCode.NotFound"/> ("unsupported path"),
/// a matched path without a handler for the operation is <see cref="ErrorCode.Unsupported"/> ("unsupported operation").
/// <see cref="Operation.Help"/> is answered from the declarations, on the empty path with the backend's overview.
/// On a route that declares <see cref="PathRoute.Fields"/>, given fields are checked against their types before the
/// handler runs (<see cref="ErrorCode.BadRequest"/> naming the field), and undeclared ones are ignored with Vault's
/// warning "Endpoint ignored these unrecognized parameters: [...]".
/// A table is immutable and safe for concurrent requests; <see cref="PathBackend"/> routes a backend through one.
/// </remarks>
/// <example>
/// <code>
/// var paths = new PathTable("Stores greetings.",
/// [
///     new PathRoute
///     {
///         Pattern = new Regex("^greetings/(?&lt;name&gt;[^/]+)$"),
///         Handlers = new Dictionary&lt;Operation, PathHandler&gt;
///         {
///             [Operation.Read] = (request, fields, cancellationToken) =>
///                 ValueTask.FromResult&lt;BackendResponse?&gt;(BackendResponse.WithData([new("hello", fields.GetString("name"))])),
///         },
///         Synopsis = "Greet someone.",
///     },
/// ]);
/// var response = await paths.HandleAsync(new BackendRequest { Operation = Operation.Read, Path = "greetings/bob" }, cancellationToken);
/// </code>
/// </example>
public sealed class PathTable
{
    private readonly IReadOnlyList<PathRoute> _routes;
    private readonly string _backendHelp;

    /// <summary>Creates a table; routes are tried in order, so list more specific patterns first.</summary>
    /// <param name="backendHelp">The backend's overview, answered to help on the empty path.</param>
    /// <param name="routes">The routes; the table keeps a copy.</param>
    /// <exception cref="ArgumentException">A field's <see cref="FieldSchema.Default"/> is not of its type's .NET type.</exception>
    public PathTable(string backendHelp, IReadOnlyList<PathRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(backendHelp);
        ArgumentNullException.ThrowIfNull(routes);
        _backendHelp = backendHelp;
        foreach (var route in routes)
        {
            CheckDefaults(route);
        }

        // A copy, so a caller changing its list later cannot change routing under concurrent requests.
        _routes = [.. routes];
    }

    /// <summary>Routes <paramref name="request"/> to its handler.</summary>
    /// <param name="request">The request, with its path relative to the mount.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The handler's response.</returns>
    /// <exception cref="PluginHostException">The path or operation is not supported.</exception>
    public ValueTask<BackendResponse?> HandleAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Operation == Operation.Help && request.Path.Length == 0)
        {
            return ValueTask.FromResult<BackendResponse?>(HelpResponse(_backendHelp + Environment.NewLine + Environment.NewLine + PathsOverview()));
        }

        var (route, match) = Route(request.Path);
        if (request.Operation == Operation.Help)
        {
            return ValueTask.FromResult<BackendResponse?>(HelpResponse(RouteHelp(route)));
        }

        if (!route.Handlers.TryGetValue(request.Operation, out var handler))
        {
            throw new PluginHostException(ErrorCode.Unsupported, "unsupported operation");
        }

        var fields = FieldData.Parse(request, match, route.Fields);
        var response = handler(request, fields, cancellationToken);
        return route.Fields.Count == 0 || route.TakesArbitraryInput || fields.Unrecognized.Count == 0 ? response : WarnAsync(response, fields.Unrecognized);
    }

    /// <summary>Runs the existence check of the route matching the request's path.</summary>
    /// <param name="request">The write request.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Whether the target exists, or <see langword="null"/> when the route has no existence check.</returns>
    /// <exception cref="PluginHostException">No route matches the path.</exception>
    public async ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (route, match) = Route(request.Path);
        if (route.ExistenceCheck is null)
        {
            return null;
        }

        return await route.ExistenceCheck(request, FieldData.Parse(request, match, route.Fields), cancellationToken).ConfigureAwait(false);
    }

    // Vault answers a write with unknown fields, even one with no response of its own, with this warning.
    private static async ValueTask<BackendResponse?> WarnAsync(ValueTask<BackendResponse?> handling, IReadOnlyList<string> unrecognized)
    {
        var response = await handling.ConfigureAwait(false) ?? new BackendResponse();
        var warning = $"Endpoint ignored these unrecognized parameters: [{string.Join(' ', unrecognized)}]";
        return response with { Warnings = [.. response.Warnings ?? [], warning] };
    }

    private static void CheckDefaults(PathRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        foreach (var (name, schema) in route.Fields)
        {
            var expected = FieldParser.Empty(schema.Type).GetType();
            var fits = schema.Default is null
                || schema.Type switch
                {
                    FieldType.CommaStringSlice or FieldType.StringSlice => schema.Default is IReadOnlyList<string>,
                    FieldType.Map => schema.Default is IReadOnlyDictionary<string, System.Text.Json.JsonElement>,
                    _ => schema.Default.GetType() == expected,
                };
            if (!fits)
            {
                throw new ArgumentException(
                    $"the default of field '{name}' on {route.Pattern} is a {schema.Default!.GetType().Name}; a {schema.Type} field's default must be a {expected.Name}",
                    nameof(route));
            }
        }
    }

    // As Vault's path help: synopsis, description, then each field with its type and description.
    private static string RouteHelp(PathRoute route)
    {
        var help = new StringBuilder(route.Synopsis);
        if (route.Description.Length > 0)
        {
            help.Append(Environment.NewLine).Append(Environment.NewLine).Append(route.Description);
        }

        if (route.Fields.Count > 0)
        {
            help.Append(Environment.NewLine).Append(Environment.NewLine).Append("## PARAMETERS");
            foreach (var (name, schema) in route.Fields.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                help.Append(Environment.NewLine).Append(Environment.NewLine)
                    .Append("    ").Append(name).Append(" (").Append(FieldParser.Describe(schema.Type)).Append(schema.Required ? ", required" : "").Append(')')
                    .Append(Environment.NewLine).Append(Environment.NewLine)
                    .Append("        ").Append(schema.Description);
            }
        }

        return help.ToString();
    }

    private (PathRoute Route, Match Match) Route(string path)
    {
        foreach (var route in _routes)
        {
            var match = route.Pattern.Match(path);
            if (match.Success)
            {
                return (route, match);
            }
        }

        throw new PluginHostException(ErrorCode.NotFound, $"unsupported path: {path}");
    }

    private string PathsOverview()
    {
        var text = new StringBuilder("## PATHS");
        foreach (var route in _routes)
        {
            text.Append(Environment.NewLine).Append("    ").Append(route.Pattern).Append(Environment.NewLine)
                .Append("        ").Append(route.Synopsis);
        }

        return text.ToString();
    }

    private static BackendResponse HelpResponse(string help) =>
        BackendResponse.WithData([new KeyValuePair<string, object?>("help", help)]);
}
