namespace PluginHost.Policies.Language;

/// <summary>The kinds of token in the HCL subset policies use.</summary>
internal enum HclTokenKind
{
    End,
    Identifier,
    String,
    Number,
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    Comma,
    Equals,
}

/// <summary>One token: its kind, its text (a string's value with escapes resolved) and where it starts.</summary>
internal readonly record struct HclToken(HclTokenKind Kind, string Text, int Line, int Column)
{
    /// <summary>The token as an error message shows it.</summary>
    public string Describe() => Kind switch
    {
        HclTokenKind.End => "end of input",
        HclTokenKind.String => $"\"{Text}\"",
        _ => $"'{Text}'",
    };
}
