using System.Globalization;

namespace PostgresDatabasePlugin;

/// <summary>
/// What a role's statements may name: <c>{{name}}</c> and <c>{{username}}</c> (the user), <c>{{password}}</c> and
/// <c>{{expiration}}</c> (as <c>yyyy-MM-dd HH:mm:ss+00</c>, UTC). A placeholder with no value here is left as written.
/// </summary>
internal sealed record StatementValues
{
    /// <summary>The user name.</summary>
    public required string Name { get; init; }

    /// <summary>The password, if the statements set one.</summary>
    public string? Password { get; init; }

    /// <summary>The expiration, if the statements set one.</summary>
    public DateTimeOffset? Expiration { get; init; }

    /// <summary>The value of <paramref name="placeholder"/> (without braces) and whether it is a name, or <see langword="null"/>.</summary>
    public (string Text, bool IsIdentifier)? Lookup(ReadOnlySpan<char> placeholder) => placeholder switch
    {
        "name" or "username" => (Name, true),
        "password" when Password is not null => (Password, false),
        "expiration" when Expiration is { } expiration =>
            (expiration.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+00", false),
        _ => null,
    };
}
