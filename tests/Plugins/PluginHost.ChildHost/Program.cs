using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using PluginHost;
using PluginHost.Catalog;
using PluginHost.Hosting;
using PluginHost.Mounts;

// A host the SIGKILL tests run as a child process: child-host PLUGIN_DIR CACHE_DIR [DATA_DIR cgroups|no-cgroups].
// It mounts my-mock-plugin twice and my-userpass-plugin once (two plugin processes), prints "ready", and waits to
// be killed. The test then checks that no plugin outlives it: each exits on its own when its connection closes.
// With a data directory it also mounts adversarial-plugin at "bad", has it detach a setsid grandchild, and prints
// "grandchild PID" before "ready": the next host on that data directory must kill it.
if (args.Length is not (2 or 4))
{
    await Console.Error.WriteLineAsync("usage: child-host PLUGIN_DIR CACHE_DIR [DATA_DIR cgroups|no-cgroups]");
    return 1;
}

var services = new ServiceCollection();
services.AddPluginHost(o =>
{
    o.PluginDirectory = args[0];
    o.PluginCacheDirectory = args[1];
    if (args.Length == 4)
    {
        o.DataDirectory = args[2];
        o.UseCgroups = args[3] == "cgroups";
    }
});
await using var provider = services.BuildServiceProvider();
var host = provider.GetRequiredService<IPluginHost>();

foreach (var (name, type) in new[] { ("my-mock-plugin", BackendType.Secret), ("my-userpass-plugin", BackendType.Auth) })
{
    await using var binary = File.OpenRead(Path.Combine(args[0], name));
    var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(binary));
    await host.Catalog.RegisterAsync(new PluginRegistration { Type = type, Name = name, Command = name, Sha256 = sha256 });
}

await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "one" });
await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "two" });
await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "my-userpass-plugin", Path = "users" });
await host.WriteAsync("one/kv/foo", new { value = "bar" });
if (args.Length == 4)
{
    await using var binary = File.OpenRead(Path.Combine(args[0], "adversarial-plugin"));
    var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(binary));
    await host.Catalog.RegisterAsync(new PluginRegistration { Type = BackendType.Secret, Name = "adversarial-plugin", Command = "adversarial-plugin", Sha256 = sha256 });
    await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "adversarial-plugin", Path = "bad" });
    var detached = await host.ReadAsync("bad/detach");
    Console.WriteLine($"grandchild {detached!.Data!["grandchild"].GetInt32()}");
}

Console.WriteLine("ready");
await Task.Delay(Timeout.Infinite);
return 0;
