using PluginHost.Cli.Configuration;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Tests.Unit;

/// <summary>Runs a plugin-host command line in-process against a <see cref="FakeTarget"/>, capturing its output.</summary>
internal static class InProcess
{
    public static CliResult Run(FakeTarget target, params string[] args) => Run(target, "", new Dictionary<string, string>(), null, args);

    /// <summary>Runs against any target: an <see cref="PluginHost.Cli.Hosting.HttpTarget"/> over a <see cref="StubHttpHandler"/>, say.</summary>
    public static CliResult RunAgainst(IRequestTarget target, params string[] args) =>
        Run(target, "", new Dictionary<string, string>(), null, args);

    public static CliResult RunWithStdin(FakeTarget target, string stdin, params string[] args) =>
        Run(target, stdin, new Dictionary<string, string>(), null, args);

    public static CliResult RunWithVariables(FakeTarget target, IReadOnlyDictionary<string, string> variables, params string[] args) =>
        Run(target, "", variables, null, args);

    /// <summary>Runs with <paramref name="home"/> as the home directory (where <c>login</c> stores its token).</summary>
    public static CliResult RunAtHome(FakeTarget target, string home, string stdin, params string[] args) =>
        Run(target, stdin, new Dictionary<string, string>(), home, args);

    /// <summary>Runs with stdin a terminal, whose hidden input (a password, an unseal key) is <paramref name="hiddenLine"/>.</summary>
    public static CliResult RunAtTerminal(FakeTarget target, string hiddenLine, params string[] args) =>
        Run(target, "", new Dictionary<string, string>(), null, args, hiddenLine);

    private static CliResult Run(IRequestTarget target, string stdin, IReadOnlyDictionary<string, string> variables, string? home, string[] args, string? hiddenLine = null)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var directory = Directory.CreateTempSubdirectory("plugin-host-unit-").FullName;
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            OpenStdin = () => new StringReader(stdin),
            GetVariable = name => variables.GetValueOrDefault(name),
            CurrentDirectory = directory,

            // Never the user's home: a login stores its token there.
            HomeDirectory = home ?? directory,
            InputIsTerminal = hiddenLine is not null,
            ReadHiddenLine = () => hiddenLine,
        };
        HostConfig? opened = null;
        var code = PluginHostCli.RunAsync(args, environment, config =>
        {
            opened = config;
            return target;
        }).GetAwaiter().GetResult();
        Directory.Delete(directory, recursive: true);
        return new CliResult(code, output.ToString(), error.ToString()) { Config = opened };
    }
}
