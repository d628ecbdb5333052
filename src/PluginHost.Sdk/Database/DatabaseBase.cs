using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PluginHost.Database;

namespace PluginHost.Sdk;

/// <summary>
/// A starting point for a database plugin: the type name, a default <see cref="CloseAsync"/>, and the helpers every
/// SQL plugin needs — Vault's generated user names and statement splitting. Serve it with
/// <see cref="PluginServer.RunDatabaseAsync"/>; test it with <see cref="PluginHarness.StartDatabaseAsync"/>.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyDatabase : DatabaseBase
/// {
///     public override string TypeName => "mydb";
///     // InitializeAsync, NewUserAsync, UpdateUserAsync, DeleteUserAsync …
/// }
/// </code>
/// </example>
public abstract class DatabaseBase : IDatabase
{
    private const string RandomAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>The kind of database, such as <c>postgresql</c>: what <see cref="TypeAsync"/> answers.</summary>
    public abstract string TypeName { get; }

    /// <inheritdoc />
    public abstract ValueTask<InitializeResponse> InitializeAsync(InitializeRequest request, CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract ValueTask<NewUserResponse> NewUserAsync(NewUserRequest request, CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract ValueTask UpdateUserAsync(UpdateUserRequest request, CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract ValueTask DeleteUserAsync(DeleteUserRequest request, CancellationToken cancellationToken);

    /// <inheritdoc />
    public ValueTask<string> TypeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(TypeName);

    /// <inheritdoc />
    public virtual ValueTask CloseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// A user name in Vault's default form, <c>v-DISPLAY-ROLE-RANDOM-UNIXTIME</c>: the display and role names cut to 8
    /// characters (anything but letters, digits, <c>_</c> and <c>-</c> replaced by <c>_</c>), 20 random letters and digits,
    /// the time in seconds, all cut to <paramref name="maxLength"/>.
    /// </summary>
    /// <param name="metadata">The hints the host sent with <see cref="NewUserRequest"/>.</param>
    /// <param name="maxLength">The database's longest user name (PostgreSQL: 63).</param>
    /// <param name="now">The current time, for the suffix.</param>
    /// <returns>The user name.</returns>
    protected static string GenerateUsername(UsernameMetadata metadata, int maxLength, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"v-{Safe(metadata.DisplayName, 8)}-{Safe(metadata.RoleName, 8)}-{RandomNumberGenerator.GetString(RandomAlphabet, 20)}-{now.ToUnixTimeSeconds()}");
        return name.Length <= maxLength ? name : name[..maxLength];
    }

    /// <summary>
    /// Splits a role's commands into single statements at each <c>;</c> that is outside quotes (<c>'…'</c>, <c>"…"</c>)
    /// and dollar quotes (<c>$$…$$</c>, <c>$tag$…$tag$</c>), trimmed, empty ones dropped.
    /// </summary>
    /// <param name="statements">The statements as the role gave them.</param>
    /// <returns>The statements, in order.</returns>
    protected static IReadOnlyList<string> SplitStatements(DatabaseStatements statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var result = new List<string>();
        foreach (var command in statements.Commands)
        {
            Split(command ?? "", result);
        }

        return result;
    }

    private static void Split(string command, List<string> into)
    {
        var start = 0;
        var i = 0;
        while (i < command.Length)
        {
            var c = command[i];
            if (c is '\'' or '"')
            {
                // A doubled quote inside is an escaped one: skipping to the next quote and carrying on handles it.
                var end = command.IndexOf(c, i + 1);
                i = end < 0 ? command.Length : end + 1;
            }
            else if (c == '$' && DollarTag(command, i) is { } tag)
            {
                var end = command.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = end < 0 ? command.Length : end + tag.Length;
            }
            else if (c == ';')
            {
                Add(command[start..i], into);
                start = ++i;
            }
            else
            {
                i++;
            }
        }

        Add(command[start..], into);
    }

    private static void Add(string statement, List<string> into)
    {
        var trimmed = statement.Trim();
        if (trimmed.Length > 0)
        {
            into.Add(trimmed);
        }
    }

    // $$ or $name$ (a name of letters, digits and underscores not starting with a digit) opens a dollar-quoted string.
    private static string? DollarTag(string text, int at)
    {
        var end = at + 1;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
        {
            end++;
        }

        return end < text.Length && text[end] == '$' && (end == at + 1 || !char.IsAsciiDigit(text[at + 1])) ? text[at..(end + 1)] : null;
    }

    private static string Safe(string value, int length)
    {
        var safe = new StringBuilder(length);
        foreach (var c in value ?? "")
        {
            if (safe.Length == length)
            {
                break;
            }

            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return safe.ToString();
    }
}
