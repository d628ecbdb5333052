namespace PluginHost.Cli.Policies;

/// <summary>What an <see cref="HclPiece"/> is.</summary>
internal enum HclPieceKind
{
    /// <summary>An identifier, a number, or a string with its quotes and escapes as written.</summary>
    Word,
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    Comma,
    Equals,

    /// <summary><c># …</c> or <c>// …</c>, to the end of its line.</summary>
    LineComment,

    /// <summary><c>/* … */</c>, possibly over several lines.</summary>
    BlockComment,

    /// <summary>The end of a source line.</summary>
    Newline,
}
