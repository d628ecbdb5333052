namespace PluginHost.Sdk;

/// <summary>The type of a request field declared in <see cref="PathRoute.Fields"/>, as Vault's <c>framework.FieldType</c>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The names of Vault's field types (TypeString, TypeInt, TypeBool), which plugin authors know.")]
public enum FieldType
{
    /// <summary>A string; JSON numbers and booleans are taken as their text.</summary>
    String,

    /// <summary>A whole number: a JSON number or a numeric string.</summary>
    Int,

    /// <summary>A boolean: <c>true</c>/<c>false</c>, or the strings <c>"true"</c>, <c>"false"</c>, <c>"1"</c>, <c>"0"</c>.</summary>
    Bool,

    /// <summary>A duration: whole seconds (a number or numeric string) or a Go-style duration such as <c>"1h30m"</c>.</summary>
    Duration,

    /// <summary>A list of strings: a comma-separated string (<c>"dev,ops"</c>) or a JSON array of strings.</summary>
    CommaStringSlice,

    /// <summary>A JSON object, such as a mount's <c>config</c>; its values are given to the handler as they are.</summary>
    Map,

    /// <summary>
    /// A list of strings whose items may hold commas, such as SQL statements (Vault's <c>TypeStringSlice</c>): a string is
    /// one item, a JSON array its items; empty items are dropped, the others kept as given.
    /// </summary>
    StringSlice,
}
