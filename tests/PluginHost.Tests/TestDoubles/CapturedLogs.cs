using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace PluginHost.Tests.TestDoubles;

/// <summary>Keeps every log entry the host writes, with its category, level and the key/value pairs of its scopes.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    // Scopes flow with the async context, as in the real providers.
    private readonly AsyncLocal<ImmutableDictionary<string, object?>> _scope = new();

    public ConcurrentQueue<(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Scope)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            var outer = owner._scope.Value ?? ImmutableDictionary<string, object?>.Empty;
            var inner = state is IEnumerable<KeyValuePair<string, object>> pairs
                ? outer.SetItems(pairs.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)))
                : outer.SetItem("Scope", state.ToString());
            owner._scope.Value = inner;
            return new Restore(owner, outer);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((category, logLevel, formatter(state, exception), owner._scope.Value ?? ImmutableDictionary<string, object?>.Empty));
    }

    private sealed class Restore(CapturedLogs owner, ImmutableDictionary<string, object?> outer) : IDisposable
    {
        public void Dispose() => owner._scope.Value = outer;
    }
}
