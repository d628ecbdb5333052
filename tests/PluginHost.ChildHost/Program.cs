using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using PluginHost;
using PluginHost.Catalog;
using PluginHost.Hosting;
using PluginHost.Mounts;

// A host the SIGKILL test runs as a child process: child-host PLUGIN_DIR CACHE_DIR.
// It mounts my-mock-plugin twice and my-userpass-plugin once (two plugin processes), prints "ready", and waits to
// be killed. The test then checks that no plugin outlives it: each exits on its own when its connection closes.
if (args.Length != 2)
{
    await Console.Error.WriteLineAsync("usage: child-host PLUGIN_DIR CACHE_DIR");
    return 1;
}

var services = new ServiceCollection();
services.AddPluginHost(o =>
{
    o.PluginDirectory = args[0];
    o.PluginCacheDirectory = args[1];
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

Console.WriteLine("ready");
await Task.Delay(Timeout.Infinite);
return 0;
