using PluginHost.Sdk;
using PostgresDatabasePlugin;

// Vault's postgresql-database-plugin: one PostgresDatabase (one Npgsql data source) per connection the host configures.
return await PluginServer.RunDatabaseAsync(() => new PostgresDatabase());
