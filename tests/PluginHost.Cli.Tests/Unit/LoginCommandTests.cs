using PluginHost.Cli.Hosting;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Tests.Unit;

/// <summary><c>login</c>: the token and userpass methods, Vault's texts, and the token stored in <c>~/.plugin-host-token</c> (0600).</summary>
[TestClass]
public sealed class LoginCommandTests
{
    private const string Authenticated = """
        Success! You are now authenticated. The token information displayed below is
        already stored in the token helper. You do NOT need to run "plugin-host login"
        again. Future plugin-host requests will automatically use this token.


        """;

    private static readonly SecretAuth Alice = new()
    {
        ClientToken = "hvs.alice",
        Accessor = "acc",
        Policies = ["default", "dev"],
        TokenPolicies = ["default", "dev"],
        Metadata = new Dictionary<string, string> { ["username"] = "alice" },
        LeaseDuration = 2764800,
        Renewable = true,
    };

    private string _home = "";

    private string TokenPath => Path.Join(_home, ".plugin-host-token");

    [TestInitialize]
    public void CreateHome() => _home = Directory.CreateTempSubdirectory("plugin-host-home-").FullName;

    [TestCleanup]
    public void DeleteHome() => Directory.Delete(_home, recursive: true);

    [TestMethod]
    public void Userpass_LogsInWithThePasswordFromStdin_AndStoresTheTokenOwnerOnly()
    {
        var target = new FakeTarget().OnAuth(Operation.Update, "auth/people/login/alice", Alice);

        var result = InProcess.RunAtHome(target, _home, "s3cret\nnext line\n", "login", "-method=userpass", "-path=people/", "username=alice");

        result.Is(0, Authenticated + """
            Key                    Value
            ---                    -----
            token                  hvs.alice
            token_accessor         acc
            token_duration         768h
            token_renewable        true
            token_policies         ["default" "dev"]
            identity_policies      []
            policies               ["default" "dev"]
            token_meta_username    alice

            """);
        Assert.AreEqual("""{"password":"s3cret"}""", target.SentData());
        Assert.IsNull(target.Requests[0].ClientToken);
        Assert.AreEqual("hvs.alice", File.ReadAllText(TokenPath));
        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokenPath));
        Assert.HasCount(1, Directory.GetFileSystemEntries(_home), "no temporary file is left behind");
    }

    [TestMethod]
    public void Userpass_PasswordArgument_AndMountArgument_AreUsed()
    {
        var target = new FakeTarget().OnAuth(Operation.Update, "auth/userpass/login/alice", Alice);

        InProcess.RunAtHome(target, _home, "", "login", "-method=userpass", "-field=token", "username=alice", "password=pw").Is(0, "hvs.alice");
        Assert.AreEqual("""{"password":"pw"}""", target.SentData());

        var other = new FakeTarget().OnAuth(Operation.Update, "auth/elsewhere/login/alice", Alice);
        InProcess.RunAtHome(other, _home, "", "login", "-method=userpass", "-no-print", "username=alice", "password=pw", "mount=elsewhere").Is(0, "");
    }

    [TestMethod]
    public void Userpass_WithoutUsername_IsVaultsError()
    {
        InProcess.RunAtHome(new FakeTarget(), _home, "", "login", "-method=userpass").Is(2, "", "Error authenticating: 'username' must be specified\n");
        Assert.IsFalse(File.Exists(TokenPath));
    }

    [TestMethod]
    public void Token_IsCheckedWithLookupSelfAsThatToken_ThenStored()
    {
        var target = new FakeTarget().OnJson(Operation.Read, "auth/token/lookup-self", """{"id":"root","accessor":"acc","policies":["root"],"ttl":0,"renewable":false}""");

        var result = InProcess.RunAtHome(target, _home, "", "login", "root");

        result.Is(0, Authenticated + """
            Key                  Value
            ---                  -----
            token                root
            token_accessor       acc
            token_duration       ∞
            token_renewable      false
            token_policies       ["root"]
            identity_policies    []
            policies             ["root"]

            """);
        Assert.AreEqual("root", target.Requests[0].ClientToken);
        Assert.AreEqual("root", File.ReadAllText(TokenPath));
    }

    [TestMethod]
    public void Token_FromStdinWhenNotGiven_AndABadTokenIsRefused()
    {
        var target = new FakeTarget().Fail(Operation.Read, "auth/token/lookup-self", ErrorCode.Forbidden, "permission denied");

        InProcess.RunAtHome(target, _home, "hvs.nope\n", "login").Is(2, "", """
            Error authenticating: error looking up token: Error making API request.

            Request: read auth/token/lookup-self
            Code: 403. Errors:

            * permission denied

            """);
        Assert.AreEqual("hvs.nope", target.Requests[0].ClientToken);
        Assert.IsFalse(File.Exists(TokenPath));
    }

    [TestMethod]
    public void NoStore_LeavesNoFile_AndSaysSo_TokenOnlyPrintsTheTokenAlone()
    {
        var target = new FakeTarget().OnAuth(Operation.Update, "auth/userpass/login/alice", Alice);

        var result = InProcess.RunAtHome(target, _home, "", "login", "-method=userpass", "-no-store", "username=alice", "password=pw");
        InProcess.RunAtHome(target, _home, "", "login", "-method=userpass", "-token-only", "username=alice", "password=pw").Is(0, "hvs.alice");

        Assert.AreEqual(0, result.ExitCode);
        Assert.AreEqual("The token was not stored in ~/.plugin-host-token. Set the PLUGIN_HOST_TOKEN\nenvironment variable or pass the token below with each request to the host.\n\n", result.Stderr);
        Assert.IsFalse(File.Exists(TokenPath));
        InProcess.RunAtHome(target, _home, "", "login", "-no-store", "-no-print", "x").Is(1, "", "-no-store and -no-print cannot be used together\n");
    }

    [TestMethod]
    public void UnknownMethod_IsRefusedBeforeAnyRequest()
    {
        var target = new FakeTarget();

        InProcess.RunAtHome(target, _home, "", "login", "-method=github", "token=x").Is(1, "", """
            Unknown auth method: github. Use "plugin-host auth list" to see the complete
            list of auth methods. Additionally, some auth methods are only available via
            the HTTP API.

            """);
        Assert.IsEmpty(target.Requests);
    }

    [TestMethod]
    public void ASymlinkAtTheTokenPath_IsReplaced_NeverFollowed()
    {
        var victim = Path.Join(_home, "victim");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(TokenPath, victim);
        var target = new FakeTarget().OnAuth(Operation.Update, "auth/userpass/login/alice", Alice);

        InProcess.RunAtHome(target, _home, "", "login", "-method=userpass", "-no-print", "username=alice", "password=pw").Is(0, "");

        Assert.AreEqual("precious", File.ReadAllText(victim));
        Assert.IsNull(new FileInfo(TokenPath).LinkTarget, "the link itself was replaced by the token file");
        Assert.AreEqual("hvs.alice", File.ReadAllText(TokenPath));
        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokenPath));
    }

    [TestMethod]
    public void ClientMode_TakesTheTokenFromTheVariables_ThenFromTheTokenFile()
    {
        var variables = new Dictionary<string, string>();
        var environment = new CliEnvironment
        {
            Out = TextWriter.Null,
            Error = TextWriter.Null,
            OpenStdin = () => TextReader.Null,
            GetVariable = name => variables.GetValueOrDefault(name),
            CurrentDirectory = _home,
            HomeDirectory = _home,
        };

        Assert.IsNull(ClientMode.TokenOf(environment));
        File.WriteAllText(TokenPath, "hvs.stored\n");
        Assert.AreEqual("hvs.stored", ClientMode.TokenOf(environment));
        variables["VAULT_TOKEN"] = "hvs.vault";
        Assert.AreEqual("hvs.vault", ClientMode.TokenOf(environment));
        variables["PLUGIN_HOST_TOKEN"] = "hvs.plugin-host";
        Assert.AreEqual("hvs.plugin-host", ClientMode.TokenOf(environment));
    }

    [TestMethod]
    public void Storing_WhileATokenVariableIsSet_WarnsThatTheVariableWins()
    {
        var target = new FakeTarget().OnAuth(Operation.Update, "auth/userpass/login/alice", Alice);
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            OpenStdin = () => TextReader.Null,
            GetVariable = name => name == "VAULT_TOKEN" ? "hvs.other" : null,
            CurrentDirectory = _home,
            HomeDirectory = _home,
        };

        var code = PluginHostCli.RunAsync(["login", "-method=userpass", "-field=token", "username=alice", "password=pw"], environment, _ => target).GetAwaiter().GetResult();

        Assert.AreEqual(0, code);
        Assert.AreEqual("hvs.alice", output.ToString());
        Assert.AreEqual(
            "WARNING! The VAULT_TOKEN environment variable is set! The value of this\nvariable will take precedence; if this is unwanted please unset VAULT_TOKEN or\nupdate its value accordingly.\n\n",
            error.ToString());
        Assert.AreEqual("hvs.alice", File.ReadAllText(TokenPath));
    }
}
