namespace PluginHost.Policies.Language;

// The syntax tree shared by the HCL and the JSON readers, so the policy language is interpreted in one place.
// Every node carries the 1-based line it starts on, for error messages.

/// <summary>A value in a policy document.</summary>
internal abstract record HclValue(int Line)
{
    /// <summary>What the value is, for error messages ("a string", "a list", …).</summary>
    public abstract string Kind { get; }
}

/// <summary>A quoted string, escapes resolved.</summary>
internal sealed record HclString(string Value, int Line) : HclValue(Line)
{
    public override string Kind => "a string";
}

/// <summary>A number, kept as written (JSON number syntax).</summary>
internal sealed record HclNumber(string Text, int Line) : HclValue(Line)
{
    public override string Kind => "a number";
}

/// <summary><c>true</c> or <c>false</c>.</summary>
internal sealed record HclBool(bool Value, int Line) : HclValue(Line)
{
    public override string Kind => "a boolean";
}

/// <summary><c>[a, b, …]</c>.</summary>
internal sealed record HclList(IReadOnlyList<HclValue> Items, int Line) : HclValue(Line)
{
    public override string Kind => "a list";
}

/// <summary><c>{ key = value … }</c>, or the whole document; items keep their order and may repeat a key.</summary>
internal sealed record HclObject(IReadOnlyList<HclItem> Items, int Line) : HclValue(Line)
{
    public override string Kind => "an object";
}

/// <summary>
/// <c>key = value</c>, or a block <c>key "label" { … }</c> whose <see cref="Keys"/> are the key then its labels.
/// </summary>
internal sealed record HclItem(IReadOnlyList<string> Keys, HclValue Value, int Line);
