using System.Text.Json;

namespace PluginHost.Backends;

/// <summary>Reads and writes <see cref="UserEntry"/> records under <c>user/</c> in a mount's storage view.</summary>
internal sealed class UserStore(IStorage storage)
{
    private const string Folder = "user/";

    /// <summary>Reads a user, refusing one whose password hash record is corrupt.</summary>
    public async ValueTask<UserEntry?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var entry = await storage.GetAsync(Folder + name, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : Deserialize(entry, checkHash: true);
    }

    /// <summary>
    /// Reads a user whose password is about to be replaced: a corrupt hash record is accepted, so writing a new
    /// password (what the corrupt-record error advises) repairs the user.
    /// </summary>
    public async ValueTask<UserEntry?> GetForNewPasswordAsync(string name, CancellationToken cancellationToken)
    {
        var entry = await storage.GetAsync(Folder + name, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : Deserialize(entry, checkHash: false);
    }

    /// <summary>Whether a record exists for the user, readable or not.</summary>
    public async ValueTask<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        await storage.GetAsync(Folder + name, cancellationToken).ConfigureAwait(false) is not null;

    public ValueTask PutAsync(string name, UserEntry user, CancellationToken cancellationToken) =>
        storage.PutAsync(new StorageEntry(Folder + name, JsonSerializer.SerializeToUtf8Bytes(user, BackendsJsonContext.Default.UserEntry)), cancellationToken);

    public ValueTask DeleteAsync(string name, CancellationToken cancellationToken) =>
        storage.DeleteAsync(Folder + name, cancellationToken);

    public async ValueTask<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = await storage.ListAsync(Folder, cancellationToken).ConfigureAwait(false);

        // Usernames hold no '/', so a folder here is not a user.
        return keys.Where(k => !k.EndsWith('/')).ToArray();
    }

    private static UserEntry Deserialize(StorageEntry entry, bool checkHash)
    {
        UserEntry? user;
        try
        {
            user = JsonSerializer.Deserialize(entry.Value, BackendsJsonContext.Default.UserEntry);
        }
        catch (JsonException e)
        {
            throw Corrupt(entry.Key, e.Message, e);
        }

        if (user is null)
        {
            throw Corrupt(entry.Key, "the record is null", null);
        }

        if (!checkHash)
        {
            return user;
        }

        var problem = user.PasswordHash is null ? "the password hash is missing" : user.PasswordHash.Problem;
        return problem is null ? user : throw Corrupt(entry.Key, problem, null);
    }

    private static PluginHostException Corrupt(string key, string reason, Exception? inner) => new(
        ErrorCode.Internal, $"stored user record at '{key}' is corrupt ({reason}); write the user again with a new password", inner);
}
