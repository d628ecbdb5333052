using System.Text.Json;

namespace PluginHost.Backends;

/// <summary>Reads and writes <see cref="UserEntry"/> records under <c>user/</c> in a mount's storage view.</summary>
internal sealed class UserStore(IStorage storage)
{
    private const string Folder = "user/";

    public async ValueTask<UserEntry?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var entry = await storage.GetAsync(Folder + name, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : Deserialize(entry);
    }

    public ValueTask PutAsync(string name, UserEntry user, CancellationToken cancellationToken) =>
        storage.PutAsync(new StorageEntry(Folder + name, JsonSerializer.SerializeToUtf8Bytes(user, UserpassJsonContext.Default.UserEntry)), cancellationToken);

    public ValueTask DeleteAsync(string name, CancellationToken cancellationToken) =>
        storage.DeleteAsync(Folder + name, cancellationToken);

    public async ValueTask<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = await storage.ListAsync(Folder, cancellationToken).ConfigureAwait(false);

        // Usernames hold no '/', so a folder here is not a user.
        return keys.Where(k => !k.EndsWith('/')).ToArray();
    }

    private static UserEntry Deserialize(StorageEntry entry)
    {
        UserEntry? user;
        try
        {
            user = JsonSerializer.Deserialize(entry.Value, UserpassJsonContext.Default.UserEntry);
        }
        catch (JsonException e)
        {
            throw Corrupt(entry.Key, e.Message, e);
        }

        return user is { PasswordHash.IsWellFormed: true }
            ? user
            : throw Corrupt(entry.Key, "the password hash is missing or uses an unknown algorithm", null);
    }

    private static PluginHostException Corrupt(string key, string reason, Exception? inner) => new(
        ErrorCode.Internal, $"stored user at '{key}' is not readable ({reason}); write the user again with a new password", inner);
}
