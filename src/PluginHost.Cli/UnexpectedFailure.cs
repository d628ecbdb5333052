using System.Globalization;
using PluginHost.Cli.Output;

namespace PluginHost.Cli;

/// <summary>
/// The last line of defence of a run: an exception nobody foresaw becomes one line on stderr and exit 1, never the
/// runtime's "Unhandled exception" dump (exit 134) with stack frames and source paths. The stack goes to a private
/// report file instead, named in that line, so the failure can still be reported and fixed.
/// </summary>
internal static class UnexpectedFailure
{
    /// <summary>Prints the one line (and where the details are) and returns the exit code, 1.</summary>
    public static int Report(Ui ui, CliEnvironment environment, Exception error)
    {
        var message = FirstLine(error.Message);
        var report = TryWriteReport(environment, error);
        ui.Error(report is null
            ? $"Error: unexpected failure ({error.GetType().Name}): {message}"
            : $"Error: unexpected failure ({error.GetType().Name}): {message}\nThe details are in {report}; please include them when you report this.");
        return 1;
    }

    // One line, cut as every echoed value is.
    private static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return Echo.Of(end < 0 ? message : message[..end]);
    }

    // Owner-only and never over an existing file: the temporary directory is shared with other users.
    private static string? TryWriteReport(CliEnvironment environment, Exception error)
    {
        try
        {
            var path = Path.Join(environment.TemporaryDirectory, string.Create(CultureInfo.InvariantCulture, $"plugin-host-failure-{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Environment.ProcessId}.txt"));
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(path, options);
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"plugin-host {Commands.VersionCommand.VersionLine()}\n{error}\n"));
            return path;
        }
        catch (Exception reportError) when (reportError is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
