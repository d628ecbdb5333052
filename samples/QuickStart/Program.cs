using Microsoft.Extensions.DependencyInjection;
using PluginHost;
using PluginHost.Backends;
using PluginHost.Hosting;
using PluginHost.Mounts;

// A host kept in memory; set options.DataDirectory to keep catalog, mounts and data on disk.
var services = new ServiceCollection();
services.AddPluginHost()
        .AddBuiltinPlugin("team-kv", BackendType.Secret, _ => new KvBackend(new KvBackendOptions { EchoWrites = true }));
await using var provider = services.BuildServiceProvider();
var host = provider.GetRequiredService<IPluginHost>();

foreach (var plugin in await host.Catalog.ListAsync(BackendType.Secret))
{
    Console.WriteLine($"catalog: {plugin.Name} (builtin: {plugin.Builtin})");
}

var mount = await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "team-kv", Path = "team" });
Console.WriteLine($"Success! Enabled the team-kv plugin at: {mount.Path}");

await host.WriteAsync("team/db", new { password = "s3cret" });
var secret = await host.ReadAsync("team/db");
Console.WriteLine($"team/db: password={secret!.Data!["password"]}");
Console.WriteLine($"team/: {string.Join(", ", await host.ListAsync("team/"))}");

try
{
    await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "team-kv" });
}
catch (PluginHostException error)
{
    Console.WriteLine($"Error enabling team-kv auth: {error.Message}");
}
