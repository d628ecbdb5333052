namespace PluginHost.Sdk;

/// <summary>A request field a path accepts: its type, its help and its default, as Vault's <c>framework.FieldSchema</c>.</summary>
/// <remarks>
/// <see cref="PathTable"/> checks every declared field a request gives before the handler runs (a value of the wrong
/// type is a <see cref="ErrorCode.BadRequest"/> naming the field), answers fields it does not declare with a warning,
/// and lists the fields in the path's help. Handlers read the parsed values from <see cref="FieldData"/>.
/// </remarks>
/// <example>
/// <code>
/// Fields = new Dictionary&lt;string, FieldSchema&gt;
/// {
///     ["name"] = new() { Type = FieldType.String, Description = "The user's name." },
///     ["ttl"] = new() { Type = FieldType.Duration, Description = "Token lifetime.", Default = TimeSpan.FromHours(1) },
/// }
/// </code>
/// </example>
public sealed class FieldSchema
{
    /// <summary>The field's type; a given value is converted to it, or refused.</summary>
    public required FieldType Type { get; init; }

    /// <summary>What the field means, shown in the path's help.</summary>
    public required string Description { get; init; }

    /// <summary>
    /// The value <see cref="FieldData"/> answers when the request does not give the field, of the type's .NET type
    /// (<see cref="string"/>, <see cref="long"/>, <see cref="bool"/>, <see cref="TimeSpan"/>, a list of strings),
    /// or <see langword="null"/> for the type's empty value.
    /// </summary>
    public object? Default { get; init; }

    /// <summary>Whether every write (<see cref="Operation.Create"/>, <see cref="Operation.Update"/>) must give the field.</summary>
    public bool Required { get; init; }
}
