namespace PluginHost.Cli.Policies;

/// <summary>One piece of a policy's HCL text for the formatter: a token, a comment or a line end, its text as written.</summary>
internal sealed record HclPiece(HclPieceKind Kind, string Text);
