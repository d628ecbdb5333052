namespace PluginHost.Cli;

/// <summary>What a run of plugin-host reads from and writes to: streams, environment variables, directories.</summary>
/// <remarks>Tests run commands in-process with string writers and a dictionary for the environment.</remarks>
internal sealed class CliEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Opens standard input; called only when a command reads it (<c>-</c> or <c>key=-</c>).</summary>
    public required Func<TextReader> OpenStdin { get; init; }

    public required Func<string, string?> GetVariable { get; init; }

    public required string CurrentDirectory { get; init; }

    public required string HomeDirectory { get; init; }

    /// <summary>Where a report of an unexpected failure is written (<c>TMPDIR</c> by default).</summary>
    public string TemporaryDirectory { get; init; } = Path.GetTempPath();

    /// <summary>Whether standard output is a terminal: <c>-field</c> output ends with a newline only then, as in Vault.</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>Whether standard input is a terminal: <c>login</c> then prompts for a password and reads it hidden.</summary>
    public bool InputIsTerminal { get; init; }

    /// <summary>Reads a line from the terminal without echoing it (a password); null at the end of input.</summary>
    public Func<string?> ReadHiddenLine { get; init; } = () => null;

    public static CliEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        OpenStdin = () => Console.In,
        GetVariable = Environment.GetEnvironmentVariable,
        CurrentDirectory = Environment.CurrentDirectory,
        HomeDirectory = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        OutputIsTerminal = !Console.IsOutputRedirected,
        InputIsTerminal = !Console.IsInputRedirected,
        ReadHiddenLine = HiddenInput.ReadLine,
    };
}
