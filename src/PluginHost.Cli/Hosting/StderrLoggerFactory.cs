using Microsoft.Extensions.Logging;
using PluginHost.Cli.Configuration;

namespace PluginHost.Cli.Hosting;

/// <summary>
/// Writes the host's log messages at or above <c>log_level</c> to stderr as <c>[WARN]  message</c> lines, so stdout holds
/// only the command's output. Small on purpose: a console logging provider would cost start-up time on every command.
/// </summary>
internal sealed class StderrLoggerFactory(TextWriter error, LogLevelSetting level) : ILoggerFactory
{
    private readonly Lock _gate = new();
    private readonly LogLevel _minimum = level.ToLogLevel();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string message, Exception? exception)
    {
        var tag = level switch
        {
            LogLevel.Trace => "[TRACE]",
            LogLevel.Debug => "[DEBUG]",
            LogLevel.Information => "[INFO] ",
            LogLevel.Warning => "[WARN] ",
            _ => "[ERROR]",
        };
        var line = exception is null ? $"{tag} {message}" : $"{tag} {message}: {exception.Message}";
        lock (_gate)
        {
            error.WriteLine(line);
        }
    }

    private sealed class Logger(StderrLoggerFactory factory) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= factory._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                factory.Write(logLevel, formatter(state, exception), exception);
            }
        }
    }
}
