namespace PluginHost.Protocol;

/// <summary>The JSON-RPC method names of protocol version 1, in both directions. Parameters are always one JSON object.</summary>
public static class ProtocolMethods
{
    /// <summary>Plugin → host, first call on a connection: token, supported versions, plugin identity.</summary>
    public const string Hello = "plugin.hello";

    /// <summary>Host → plugin: create and set up the backend instance for one mount.</summary>
    public const string Setup = "backend.setup";

    /// <summary>Host → plugin: handle one request on an instance.</summary>
    public const string HandleRequest = "backend.handleRequest";

    /// <summary>Host → plugin: does the target of a write exist (create or update)?</summary>
    public const string ExistenceCheck = "backend.existenceCheck";

    /// <summary>Host → plugin: clean up and forget an instance.</summary>
    public const string Cleanup = "backend.cleanup";

    /// <summary>Host → plugin: a storage key of an instance changed behind its back.</summary>
    public const string InvalidateKey = "backend.invalidateKey";

    /// <summary>Host → plugin: finish in-flight work and exit.</summary>
    public const string Shutdown = "plugin.shutdown";

    /// <summary>Plugin → host: read a key of an instance's storage view.</summary>
    public const string StorageGet = "storage.get";

    /// <summary>Plugin → host: write a key of an instance's storage view.</summary>
    public const string StoragePut = "storage.put";

    /// <summary>Plugin → host: delete a key of an instance's storage view.</summary>
    public const string StorageDelete = "storage.delete";

    /// <summary>Plugin → host: list a folder of an instance's storage view.</summary>
    public const string StorageList = "storage.list";

    /// <summary>Host → database plugin: create the database instance for one connection and take its configuration.</summary>
    public const string DatabaseInitialize = "database.initialize";

    /// <summary>Host → database plugin: create a user.</summary>
    public const string DatabaseNewUser = "database.newUser";

    /// <summary>Host → database plugin: change a user's password or expiration.</summary>
    public const string DatabaseUpdateUser = "database.updateUser";

    /// <summary>Host → database plugin: drop a user (succeeds for a missing one).</summary>
    public const string DatabaseDeleteUser = "database.deleteUser";

    /// <summary>Host → database plugin: the kind of database.</summary>
    public const string DatabaseType = "database.type";

    /// <summary>Host → database plugin: close a connection and forget its instance.</summary>
    public const string DatabaseClose = "database.close";
}
