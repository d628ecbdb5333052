namespace PluginHost.Tests.Catalog;

/// <summary>A catalog entry's env may not make the plugin load code its sha256 does not cover (issue 13).</summary>
[TestClass]
public sealed class PluginEnvironmentTests : CatalogTestBase
{
    [TestMethod]
    [DataRow("LD_PRELOAD", "it makes the dynamic loader run code from outside the plugin binary, which its sha256 does not cover")]
    [DataRow("LD_LIBRARY_PATH", "dynamic loader")]
    [DataRow("LD_AUDIT", "dynamic loader")]
    [DataRow("ld_preload", "dynamic loader")]
    [DataRow("DYLD_INSERT_LIBRARIES", "dynamic loader")]
    [DataRow("DOTNET_STARTUP_HOOKS", "the .NET runtime load code")]
    [DataRow("dotnet_startup_hooks", "the .NET runtime load code")]
    [DataRow("DOTNET_ADDITIONAL_DEPS", "the .NET runtime load code")]
    [DataRow("DOTNET_SHARED_STORE", "the .NET runtime load code")]
    [DataRow("DOTNET_ROOT", "which .NET runtime")]
    [DataRow("DOTNET_ROOT_X64", "which .NET runtime")]
    [DataRow("DOTNET_GCName", "the .NET runtime load code")]
    [DataRow("COMPlus_GCName", "the .NET runtime load code")]
    [DataRow("DOTNET_gcpath", "the .NET runtime load code")]
    [DataRow("DOTNET_DiagnosticPorts", "the .NET runtime load code")]
    [DataRow("CORECLR_ENABLE_PROFILING", "profiler")]
    [DataRow("CORECLR_PROFILER_PATH", "profiler")]
    [DataRow("COR_PROFILER_PATH", "profiler")]
    [DataRow("COR_ENABLE_PROFILING", "profiler")]
    [DataRow("GCONV_PATH", "C library load modules")]
    [DataRow("GLIBC_TUNABLES", "CVE-2023-4911")]
    [DataRow("LOCPATH", "C library")]
    [DataRow("NLSPATH", "C library")]
    [DataRow("GETCONF_DIR", "C library")]
    [DataRow("MALLOC_TRACE", "write a trace")]
    [DataRow("OPENSSL_CONF", "OpenSSL")]
    [DataRow("OPENSSL_MODULES", "OpenSSL")]
    [DataRow("GIO_EXTRA_MODULES", "C library")]
    [DataRow("PYTHONPATH", "interpreter")]
    [DataRow("PYTHONSTARTUP", "interpreter")]
    [DataRow("PYTHONHOME", "interpreter")]
    [DataRow("PYTHONWARNINGS", "interpreter")]
    [DataRow("NODE_OPTIONS", "interpreter")]
    [DataRow("NODE_PATH", "interpreter")]
    [DataRow("PERL5LIB", "interpreter")]
    [DataRow("PERL5OPT", "interpreter")]
    [DataRow("PERLLIB", "interpreter")]
    [DataRow("RUBYOPT", "interpreter")]
    [DataRow("RUBYLIB", "interpreter")]
    [DataRow("JAVA_TOOL_OPTIONS", "interpreter")]
    [DataRow("_JAVA_OPTIONS", "interpreter")]
    [DataRow("JDK_JAVA_OPTIONS", "interpreter")]
    [DataRow("CLASSPATH", "interpreter")]
    [DataRow("BASH_ENV", "shell")]
    [DataRow("ENV", "shell")]
    [DataRow("BASH_FUNC_ls%%", "shell")]
    [DataRow("SHELLOPTS", "shell")]
    [DataRow("PS4", "shell")]
    [DataRow("PLUGINHOST_SOCKET", "PLUGINHOST_*")]
    [DataRow("PLUGINHOST_TOKEN", "PLUGINHOST_*")]
    public async Task Register_EnvThatLoadsOutsideCode_IsRefusedNamingTheVariableAndWhy(string variable, string why)
    {
        var catalog = CreateCatalog();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            catalog.RegisterAsync(Binary() with { Env = new Dictionary<string, string> { ["LOG_LEVEL"] = "debug", [variable] = "/tmp/x" } }));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.StartsWith(error.Message, $"env variable '{variable}' is not allowed: ");
        StringAssert.Contains(error.Message, why);
        Assert.IsEmpty(await catalog.ListAsync(BackendType.Secret), "nothing is stored");
    }

    [TestMethod]
    [DataRow("LOG_LEVEL")]
    [DataRow("PATH")]
    [DataRow("TMPDIR")]
    [DataRow("HOME")]
    [DataRow("TZ")]
    [DataRow("MALLOC_ARENA_MAX")]
    [DataRow("DOTNET_gcServer")]
    [DataRow("DOTNET_EnableDiagnostics")]
    [DataRow("DOTNET_TieredPGO")]
    [DataRow("PYTHONUNBUFFERED")]
    [DataRow("PYTHONIOENCODING")]
    [DataRow("NODE_ENV")]
    [DataRow("SSL_CERT_FILE")]
    [DataRow("MY_LD_PRELOAD")]
    [DataRow("ENVIRONMENT")]
    public async Task Register_EnvThatLoadsNothing_IsKept(string variable)
    {
        var entry = await CreateCatalog().RegisterAsync(Binary() with { Env = new Dictionary<string, string> { [variable] = "1" } });

        Assert.AreEqual("1", entry.Env[variable]);
    }

    [TestMethod]
    public async Task Register_EnvNameWithNul_IsRefused()
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(Binary() with { Env = new Dictionary<string, string> { ["A\0B"] = "x" } }));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.Contains(error.Message, "contain no '=' or NUL");
    }
}
