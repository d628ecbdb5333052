using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PluginHost.Tests.Postgres;

/// <summary>
/// A real PostgreSQL server of the tests' own (Debian's <c>postgresql</c> package): a new cluster made with
/// <c>initdb</c> in a temporary directory, started with <c>pg_ctl</c> on 127.0.0.1 and a free port, and stopped and
/// deleted on dispose. PostgreSQL refuses to run as root, so under root (as in CI) its commands run as the
/// <c>postgres</c> user the package creates. The superuser is <see cref="Superuser"/> with <see cref="Password"/>.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The cluster's superuser.</summary>
    public const string Superuser = "pluginhost";

    private const string InstallHint = "install Debian's postgresql package (sudo apt-get install postgresql, or bash .ci/ensure-postgresql as root)";

    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgresUser;

    private PostgresCluster(string bin, string root, int port, string password, bool asPostgresUser)
    {
        _bin = bin;
        _root = root;
        Port = port;
        Password = password;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>The port it listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The superuser's password.</summary>
    public string Password { get; }

    /// <summary>An Npgsql connection string for <paramref name="user"/> (the superuser by default) to <paramref name="database"/>.</summary>
    public string ConnectionString(string? user = null, string? password = null, string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username={user ?? Superuser};Password={password ?? Password};Database={database};Pooling=false;Timeout=15";

    /// <summary>Makes and starts a new cluster.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, or the cluster did not start; the message says why.</exception>
    public static async Task<PostgresCluster> StartAsync(CancellationToken cancellationToken)
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException($"PostgreSQL's initdb and pg_ctl were not found: {InstallHint}");
        var asPostgresUser = Environment.UserName == "root";
        var root = Directory.CreateTempSubdirectory("pluginhost-pg-").FullName;
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var cluster = new PostgresCluster(bin, root, FreePort(), password, asPostgresUser);
        try
        {
            await cluster.InitializeAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server (fast shutdown) and deletes the cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"], CancellationToken.None, check: false);
        }

        Directory.Delete(_root, recursive: true);
    }

    private string DataDirectory => Path.Combine(_root, "data");

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(_root, "password");
        await File.WriteAllTextAsync(passwordFile, Password, cancellationToken);
        if (_asPostgresUser)
        {
            // The postgres user owns the cluster; nothing else under the temporary directory is for others.
            await RunAsync("chown", ["-R", "postgres:postgres", _root], cancellationToken);
        }

        await RunAsync(Path.Combine(_bin, "initdb"),
            ["-D", DataDirectory, "-U", Superuser, "--pwfile", passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"], cancellationToken);
        File.Delete(passwordFile);
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories={_root} -c fsync=off";
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["start", "-D", DataDirectory, "-o", options, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60"], cancellationToken);
    }

    private async Task RunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool check = true)
    {
        var start = new ProcessStartInfo(_asPostgresUser && file != "chown" ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root,
        };
        if (_asPostgresUser && file != "chown")
        {
            foreach (var argument in (string[])["-u", "postgres", "--", file])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (check && process.ExitCode != 0)
        {
            var log = Path.Combine(_root, "server.log");
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}{await output}" +
                (File.Exists(log) ? $"\nserver log:\n{await File.ReadAllTextAsync(log, cancellationToken)}" : ""));
        }
    }

    // Debian puts them in /usr/lib/postgresql/<major>/bin (pg_ctlcluster's wrappers on PATH are not them); the newest wins.
    private static string? FindBinaries() =>
        (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
            .FirstOrDefault();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
