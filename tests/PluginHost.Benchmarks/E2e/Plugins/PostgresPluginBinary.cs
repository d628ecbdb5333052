namespace PluginHost.Benchmarks.E2e.Plugins;

/// <summary>
/// The published <c>samples/PostgresDatabasePlugin</c> (<c>postgresql-database-plugin</c>, a database plugin with
/// Npgsql), copied into the workspace's plugin directory and hashed as the mock plugin is.
/// </summary>
internal static class PostgresPluginBinary
{
    /// <summary>The sample's assembly name, and its catalog name (type <c>database</c>).</summary>
    public const string Name = "postgresql-database-plugin";

    /// <summary>Publishes the sample (single file, ReadyToRun, as users publish it) into its own folder, then copies it in.</summary>
    public static async Task<MockPluginBinary> PrepareAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        var output = Path.Combine(workspace.PublishDirectory, "postgres");
        var source = await MockPluginBinary.PublishAsync(Path.Combine("samples", "PostgresDatabasePlugin"), Name, output, [], cancellationToken);
        return await MockPluginBinary.InstallAsync(Name, source, new Dictionary<string, string>(StringComparer.Ordinal), workspace, cancellationToken);
    }
}
