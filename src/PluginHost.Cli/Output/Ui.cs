namespace PluginHost.Cli.Output;

/// <summary>Vault's <c>cli.Ui</c>: results to stdout, errors and warnings to stderr, each as a line; and the output format.</summary>
internal sealed class Ui(CliEnvironment environment, string format)
{
    /// <summary>The output format, lower case: <c>table</c> or <c>json</c>.</summary>
    public string Format { get; } = format;

    public bool IsTable => Format == "table";

    public void Output(string text) => environment.Out.Write(text + "\n");

    public void Error(string text) => environment.Error.Write(Echo.Lines(text) + "\n");

    public void Warn(string text) => Error(text);

    /// <summary>Vault's <c>PrintRaw</c>: the text alone, with a newline only when stdout is a terminal (so it pipes cleanly).</summary>
    public void Raw(string text)
    {
        if (environment.OutputIsTerminal)
        {
            Output(text);
        }
        else
        {
            environment.Out.Write(text);
        }
    }
}
