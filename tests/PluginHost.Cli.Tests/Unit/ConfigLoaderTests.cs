using PluginHost.Cli.Configuration;

namespace PluginHost.Cli.Tests.Unit;

[TestClass]
public sealed class ConfigLoaderTests
{
    private const string Keys = "plugin_directory, data_directory, log_level, log_format, lock_timeout, address, api_addr, disable_request_forwarding, listener \"tcp\" { address, tls_disable, tls_cert_file, tls_key_file, tls_min_version, tls_client_ca_file, tls_require_and_verify_client_cert, max_request_size, max_request_duration, max_connections, max_buffered_request_size }, seal \"static\" { key_file }, storage \"file\" { path }, and storage \"postgresql\" { connection_url, table, ha_enabled, ha_table, max_parallel }";

    private readonly Dictionary<string, string> _variables = [];
    private string _directory = "";

    [TestInitialize]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("plugin-host-config-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestMethod]
    public void Load_HclWithCommentsAndQuotes_ResolvesRelativePathsAgainstTheFile()
    {
        Directory.CreateDirectory(Path.Join(_directory, "etc"));
        Write("etc/plugin-host.hcl", """
            # plugin-host settings
            plugin_directory = "../plugins"   // next to etc/
            data_directory   = "/var/lib/plugin-host/"

            log_level = "error"
            log_format = "json"
            lock_timeout = 30
            """);

        var config = Loader().Load("etc/plugin-host.hcl");

        Assert.AreEqual(Path.Join(_directory, "plugins"), config.PluginDirectory);
        Assert.AreEqual("/var/lib/plugin-host", config.DataDirectory);
        Assert.AreEqual(LogLevelSetting.Error, config.LogLevel);
        Assert.IsTrue(config.JsonLogs);
        Assert.AreEqual(TimeSpan.FromSeconds(30), config.LockTimeout);
        Assert.AreEqual(Path.Join(_directory, "etc", "plugin-host.hcl"), config.SourceFile);
    }

    [TestMethod]
    [DataRow("address = \"0.0.0.0:8300\"\n")]
    [DataRow("listener \"tcp\" { address = \"0.0.0.0:8300\" }\n")]
    [DataRow("listener \"tcp\" {\n  # Vault's listener block\n  address = \"0.0.0.0:8300\"\n}\n")]
    public void Load_ServerAddress_FromTheFlatKeyOrVaultsListenerBlock(string content)
    {
        Write("plugin-host.hcl", "data_directory = \"d\"\n" + content);

        Assert.AreEqual("0.0.0.0:8300", Loader().Load(null).Address);
    }

    [TestMethod]
    public void Load_VaultsListenerBlock_WithTlsAndLimits()
    {
        Write("plugin-host.hcl", """
            data_directory = "d"
            listener "tcp" {
              address                            = "127.0.0.1:8200"
              tls_disable                        = 0
              tls_cert_file                      = "tls/server.pem"
              tls_key_file                       = "tls/server-key.pem"
              tls_min_version                    = "tls13"
              tls_client_ca_file                 = "/etc/ca.pem"
              tls_require_and_verify_client_cert = "true"
              max_request_size                   = 1048576
              max_request_duration               = "30s"
              max_connections                    = 64
              max_buffered_request_size          = 8388608
            }
            """);

        var config = Loader().Load(null);

        Assert.AreEqual("127.0.0.1:8200", config.Address);
        var listener = config.Listener;
        Assert.IsTrue(listener.UsesTls);
        Assert.AreEqual(Path.Join(_directory, "tls", "server.pem"), listener.TlsCertFile);
        Assert.AreEqual(Path.Join(_directory, "tls", "server-key.pem"), listener.TlsKeyFile);
        Assert.AreEqual(System.Security.Authentication.SslProtocols.Tls13, listener.TlsMinVersion);
        Assert.AreEqual("/etc/ca.pem", listener.TlsClientCaFile);
        Assert.IsTrue(listener.TlsRequireClientCert);
        Assert.AreEqual(1048576, listener.MaxRequestSize);
        Assert.AreEqual(TimeSpan.FromSeconds(30), listener.MaxRequestDuration);
        Assert.AreEqual(64, listener.MaxConnections);
        Assert.AreEqual(8388608, listener.MaxBufferedRequestSize);
    }

    [TestMethod]
    public void Load_VaultsPostgresqlStorageBlock_WithHaAndApiAddress()
    {
        Write("plugin-host.hcl", """
            storage "postgresql" {
              connection_url = "postgres://vault:pw@db.example:5432/vault"
              table          = "kv"
              ha_enabled     = "true"
              ha_table       = "locks"
              max_parallel   = 16
            }
            api_addr = "https://10.0.0.5:8200/"
            disable_request_forwarding = true
            """);

        var config = Loader().Load(null);

        Assert.AreEqual(
            new PostgresStorageConfig { ConnectionUrl = "postgres://vault:pw@db.example:5432/vault", Table = "kv", HaEnabled = true, HaTable = "locks", MaxParallel = 16 },
            config.Postgres);
        Assert.AreEqual("https://10.0.0.5:8200", config.ApiAddress);
        Assert.IsTrue(config.DisableRequestForwarding);
    }

    [TestMethod]
    public void Load_ListenerDefaults_ArePlainHttpAndVaultsLimits()
    {
        Write("plugin-host.hcl", "data_directory = \"d\"\nlistener \"tcp\" { max_request_size = 0 }\n");

        var listener = Loader().Load(null).Listener;

        Assert.IsFalse(listener.UsesTls);
        Assert.AreEqual(32L * 1024 * 1024, listener.MaxRequestSize, "0 means the default, as in Vault");
        Assert.AreEqual(TimeSpan.FromSeconds(90), listener.MaxRequestDuration);
        Assert.AreEqual(1024, listener.MaxConnections);
        Assert.AreEqual(128L * 1024 * 1024, listener.MaxBufferedRequestSize);
    }

    [TestMethod]
    public void Load_TlsDisableTrue_TurnsTlsOffDespiteACertificate()
    {
        Write("plugin-host.hcl", "listener \"tcp\" {\n  tls_disable = \"true\"\n  tls_cert_file = \"c.pem\"\n  tls_key_file = \"k.pem\"\n}\n");

        Assert.IsFalse(Loader().Load(null).Listener.UsesTls);
    }

    [TestMethod]
    [DataRow("listener \"tcp\" {\n  tls_cert_file = \"c.pem\"\n}\n", "line 2: tls_cert_file is set but tls_key_file is not; TLS needs both (or set tls_disable = true)")]
    [DataRow("listener \"tcp\" {\n  tls_key_file = \"k.pem\"\n}\n", "line 2: tls_key_file is set but tls_cert_file is not; TLS needs both (or set tls_disable = true)")]
    [DataRow("listener \"tcp\" {\n  tls_disable = false\n}\n", "line 2: tls_disable is false but tls_cert_file and tls_key_file are not set; give them, or set tls_disable = true")]
    [DataRow("listener \"tcp\" {\n  tls_disable = \"maybe\"\n}\n", "line 2: tls_disable \"maybe\" is not true or false")]
    [DataRow("listener \"tcp\" {\n  tls_min_version = \"tls11\"\n}\n", "line 2: tls_min_version \"tls11\" is not supported by this server (TLS 1.0 and 1.1 are disabled in .NET); use tls12 or tls13")]
    [DataRow("listener \"tcp\" {\n  tls_min_version = \"ssl3\"\n}\n", "line 2: tls_min_version \"ssl3\" is not one of tls12, tls13")]
    [DataRow("listener \"tcp\" {\n  tls_client_ca_file = \"ca.pem\"\n}\n", "line 2: tls_client_ca_file needs TLS: set tls_cert_file and tls_key_file")]
    [DataRow("listener \"tcp\" {\n  tls_cert_file = \"c.pem\"\n  tls_key_file = \"k.pem\"\n  tls_require_and_verify_client_cert = 1\n}\n", "line 4: tls_require_and_verify_client_cert needs tls_client_ca_file, the CA client certificates must chain to")]
    [DataRow("listener \"tcp\" {\n  max_request_size = \"32MB\"\n}\n", "line 2: max_request_size \"32MB\" is not a number of bytes, such as 33554432")]
    [DataRow("listener \"tcp\" {\n  max_request_duration = \"soon\"\n}\n", "line 2: max_request_duration \"soon\" is not a duration such as \"10s\" or \"1m\"")]
    [DataRow("listener \"tcp\" {\n  max_connections = 0\n}\n", "line 2: max_connections \"0\" is not a whole number above 0")]
    [DataRow("listener \"tcp\" {\n  tls_cert_file = \"\"\n}\n", "line 2: tls_cert_file is empty; give a file")]
    public void Load_BadListener_SaysWhatIsWrong(string content, string problem)
    {
        Write("plugin-host.hcl", content);

        var error = Assert.ThrowsExactly<ConfigException>(() => Loader().Load(null));

        Assert.AreEqual($"Error loading configuration from {Path.Join(_directory, "plugin-host.hcl")}: {problem}", error.Message);
    }

    [TestMethod]
    public void Load_Json_ReadsTheSameKeys()
    {
        Write("plugin-host.json", """
            {
              "plugin_directory": "plugins",
              "data_directory": "data",
              "lock_timeout": "2s"
            }
            """);

        var config = Loader().Load("plugin-host.json");

        Assert.AreEqual(Path.Join(_directory, "plugins"), config.PluginDirectory);
        Assert.AreEqual(Path.Join(_directory, "data"), config.DataDirectory);
        Assert.AreEqual(TimeSpan.FromSeconds(2), config.LockTimeout);
    }

    [TestMethod]
    [DataRow("plugin_directory = \"p\"\nplugin_dir = \"x\"\n", "line 2: unknown key \"plugin_dir\"; the keys are " + Keys)]
    [DataRow("\n\nplugin_directory \"p\"\n", "line 3: expected key = \"value\", found: plugin_directory \"p\"")]
    [DataRow("data_directory = \"unterminated\n", "line 1: the quoted value has no closing \"")]
    [DataRow("data_directory = \"d\" extra\n", "line 1: unexpected text after the value of data_directory: extra")]
    [DataRow("data_directory = \"a\"\ndata_directory = \"b\"\n", "line 2: data_directory is set twice (first on line 1)")]
    [DataRow("log_level = \"loud\"\n", "line 1: log_level \"loud\" is not one of trace, debug, info, warn, error, off")]
    [DataRow("log_format = \"xml\"\n", "line 1: log_format \"xml\" is not standard or json")]
    [DataRow("lock_timeout = \"soon\"\n", "line 1: lock_timeout \"soon\" is not a duration such as \"10s\" or \"1m\"")]
    [DataRow("plugin_directory = \"\"\n", "line 1: plugin_directory is empty; give a directory")]
    [DataRow("{\n  \"data_directory\": \"d\",\n  \"nope\": 1\n}\n", "line 3: unknown key \"nope\"; the keys are " + Keys)]
    [DataRow("address = \"127.0.0.1\"\n", "line 1: address \"127.0.0.1\" is not host:port, such as \"127.0.0.1:8200\"")]
    [DataRow("address = \"garbage:80\"\n", "line 1: address \"garbage:80\": the host must be an IP address (IPv6 in brackets, such as [::1]) or localhost, not \"garbage\"")]
    [DataRow("address = \"127.0.0.1:1\"\nlistener \"tcp\" { address = \"127.0.0.1:2\" }\n", "line 2: address is set twice (first on line 1)")]
    [DataRow("listener \"tcp\" {\n  address = \"127.0.0.1:1\"\n", "line 1: the block opened here is not closed with }")]
    [DataRow("}\n", "line 1: a } without an open block")]
    [DataRow("listener \"tcp\" {\n  storage \"file\" {\n", "line 2: a block inside the block opened on line 1; close it with } first")]
    [DataRow("listener \"udp\" { address = \"127.0.0.1:1\" }\n", "line 1: unknown key \"listener.udp.address\"; the keys are " + Keys)]
    [DataRow("storage \"postgresql\" {\n  ha_enabled = \"true\"\n}\n", "line 2: storage \"postgresql\" needs connection_url, such as \"postgres://vault:password@db.example:5432/vault?sslmode=require\"")]
    [DataRow("data_directory = \"d\"\nstorage \"postgresql\" { connection_url = \"postgres://h/db\" }\n", "line 1: data_directory and storage \"postgresql\" (line 2) both say where the data is: keep one")]
    [DataRow("data_directory = \"d\"\nstorage \"file\" { path = \"e\" }\n", "line 2: data_directory is set twice (first on line 1)")]
    [DataRow("api_addr = \"10.0.0.5:8200\"\n", "line 1: api_addr \"10.0.0.5:8200\" is not a URL such as \"https://10.0.0.5:8200\" (the address clients and the other servers reach this one at)")]
    [DataRow("storage \"postgresql\" {\n  connection_url = \"postgres://h/db\"\n  ha_enabled = \"maybe\"\n}\n", "line 3: ha_enabled \"maybe\" is not true or false")]
    [DataRow("{\n  \"data_directory\": \"d\"\n  \"plugin_directory\": \"p\"\n}\n", "line 3: invalid JSON: '\"' is invalid after a value. Expected either ',', '}', or ']'.")]
    public void Load_BadFile_FailsNamingTheFileAndLine(string content, string problem)
    {
        Write("plugin-host.hcl", content);

        var error = Assert.ThrowsExactly<ConfigException>(() => Loader().Load(null));

        Assert.AreEqual($"Error loading configuration from {Path.Join(_directory, "plugin-host.hcl")}: {problem}", error.Message);
    }

    [TestMethod]
    public void Load_MissingNamedFile_FailsNamingIt()
    {
        var error = Assert.ThrowsExactly<ConfigException>(() => Loader().Load("nope.hcl"));

        Assert.AreEqual($"Error loading configuration from {Path.Join(_directory, "nope.hcl")}: no such file", error.Message);
    }

    [TestMethod]
    public void Load_FlagBeatsEnvironmentBeatsLocalFile()
    {
        Write("plugin-host.hcl", "data_directory = \"local\"\n");
        Write("env.hcl", "data_directory = \"env\"\n");
        Write("flag.hcl", "data_directory = \"flag\"\n");

        Assert.AreEqual(Path.Join(_directory, "local"), Loader().Load(null).DataDirectory);
        _variables["PLUGIN_HOST_CONFIG"] = "env.hcl";
        Assert.AreEqual(Path.Join(_directory, "env"), Loader().Load(null).DataDirectory);
        Assert.AreEqual(Path.Join(_directory, "flag"), Loader().Load("flag.hcl").DataDirectory);
    }

    [TestMethod]
    public void Load_NoFile_UsesXdgDataHomeOrTheHomeDirectory()
    {
        var config = Loader().Load(null);
        Assert.IsNull(config.SourceFile);
        Assert.IsNull(config.PluginDirectory);
        Assert.AreEqual("/home/someone/.local/share/plugin-host", config.DataDirectory);

        _variables["XDG_DATA_HOME"] = "/xdg/data";
        Assert.AreEqual("/xdg/data/plugin-host", Loader().Load(null).DataDirectory);

        _variables["XDG_DATA_HOME"] = "relative/is/ignored";
        Assert.AreEqual("/home/someone/.local/share/plugin-host", Loader().Load(null).DataDirectory);
    }

    [TestMethod]
    public void Load_FileWithoutDataDirectory_KeepsTheDefault()
    {
        Write("plugin-host.hcl", "plugin_directory = \"/opt/plugins\"\n");

        var config = Loader().Load(null);

        Assert.AreEqual("/opt/plugins", config.PluginDirectory);
        Assert.AreEqual("/home/someone/.local/share/plugin-host", config.DataDirectory);
    }

    private void Write(string name, string content) => File.WriteAllText(Path.Join(_directory, name), content);

    private ConfigLoader Loader() => new(new CliEnvironment
    {
        Out = TextWriter.Null,
        Error = TextWriter.Null,
        OpenStdin = () => TextReader.Null,
        GetVariable = name => _variables.GetValueOrDefault(name),
        CurrentDirectory = _directory,
        HomeDirectory = "/home/someone",
    });
}
