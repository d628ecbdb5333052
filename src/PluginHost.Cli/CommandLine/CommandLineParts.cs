using PluginHost.Cli.Commands;

namespace PluginHost.Cli.CommandLine;

/// <summary>
/// Splits a command line as mitchellh/cli does for Vault: <c>-h</c>, <c>-help</c> or <c>--help</c> anywhere before
/// <c>--</c> asks for help; the command is the longest known name made of the words from the first non-flag argument
/// on (<c>secrets enable</c>); its arguments are the rest.
/// </summary>
internal sealed record CommandLineParts
{
    public Command? Command { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    public bool IsHelp { get; init; }

    /// <summary>Whether flags stand before the command name (they would be lost: an error).</summary>
    public bool FlagsBeforeCommand { get; init; }

    public static CommandLineParts Of(IReadOnlyList<string> args)
    {
        var isHelp = false;
        var flagsBefore = false;
        int? start = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                break;
            }

            if (arg is "-h" or "-help" or "--help")
            {
                isHelp = true;
                continue;
            }

            if (start is null && arg.Length > 0 && arg[0] == '-')
            {
                flagsBefore = true;
            }
            else if (start is null && arg.Length > 0)
            {
                start = i;
            }
        }

        if (start is not { } first)
        {
            return new CommandLineParts { IsHelp = isHelp, FlagsBeforeCommand = flagsBefore };
        }

        // Words up to the first argument with a space can name a command; take the longest known name.
        var words = args.Skip(first).TakeWhile(a => !a.Contains(' ', StringComparison.Ordinal)).ToArray();
        for (var count = words.Length; count > 0; count--)
        {
            if (CommandTable.Find(string.Join(' ', words.Take(count))) is { } command)
            {
                return new CommandLineParts
                {
                    Command = command,
                    Arguments = args.Skip(first + count).ToArray(),
                    IsHelp = isHelp,
                    FlagsBeforeCommand = flagsBefore,
                };
            }
        }

        return new CommandLineParts { IsHelp = isHelp, FlagsBeforeCommand = flagsBefore };
    }
}
