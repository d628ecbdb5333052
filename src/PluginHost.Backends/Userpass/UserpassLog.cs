using Microsoft.Extensions.Logging;

namespace PluginHost.Backends;

/// <summary>The userpass backend's log messages. Passwords are never logged.</summary>
internal static partial class UserpassLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Created user {Username} with policies {Policies}")]
    public static partial void UserCreated(ILogger logger, string username, IReadOnlyList<string> policies);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Updated user {Username} (password changed: {PasswordChanged})")]
    public static partial void UserUpdated(ILogger logger, string username, bool passwordChanged);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Deleted user {Username}")]
    public static partial void UserDeleted(ILogger logger, string username);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Failed login for {Username}: {Reason}")]
    public static partial void LoginFailed(ILogger logger, string username, string reason);
}
