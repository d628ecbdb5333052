using PluginHost.Tests.Postgres;

namespace PluginHost.IntegrationTests.PostgreSqlStorage;

/// <summary>Test classes using the assembly's shared PostgreSQL server (started on first use), each test on tables of its own.</summary>
public abstract class SharedPostgresTests
{
    /// <summary>The shared server.</summary>
    protected static PostgresCluster Cluster { get; private set; } = null!;

    public TestContext TestContext { get; set; } = null!;

    /// <summary>Cancelled when the test times out or the run is aborted.</summary>
    protected CancellationToken Token => TestContext.CancellationToken;

    [ClassInitialize(InheritanceBehavior.BeforeEachDerivedClass)]
    public static async Task StartCluster(TestContext context) => Cluster = await StorageCluster.GetAsync();
}
