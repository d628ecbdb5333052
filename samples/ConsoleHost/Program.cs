using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PluginHost;
using PluginHost.Catalog;
using PluginHost.Hosting;
using PluginHost.Mounts;

// A console host as an application embeds PluginHost: options, plugins and mounts come from appsettings.json, the
// host from DI; then a few commands against it (from the directory holding plugins/ and data/):
//   dotnet run --project samples/ConsoleHost -- write my-secrets-plugin/kv/foo value=bar
//   dotnet run --project samples/ConsoleHost -- read my-secrets-plugin/kv/foo
//   dotnet run --project samples/ConsoleHost -- list my-secrets-plugin/kv
//   dotnet run --project samples/ConsoleHost -- mounts
// The appsettings.json next to the binary, overridden by one in the working directory (where plugins/ and data/ are).
var configuration = new ConfigurationBuilder()
    .AddJsonFile(Path.Join(AppContext.BaseDirectory, "appsettings.json"), optional: true)
    .AddJsonFile(Path.Join(Environment.CurrentDirectory, "appsettings.json"), optional: true)
    .Build();

var services = new ServiceCollection();
services.AddPluginHost(options =>
{
    configuration.GetSection("PluginHost").Bind(options);
    options.PluginDirectory = FullPath(options.PluginDirectory);
    options.DataDirectory = FullPath(options.DataDirectory);
});
await using var provider = services.BuildServiceProvider();
var host = provider.GetRequiredService<IPluginHost>();

try
{
    // Registering and mounting are idempotent for the same settings, so the config file is applied on every start.
    foreach (var plugin in configuration.GetSection("Plugins").Get<PluginRegistration[]>() ?? [])
    {
        await host.Catalog.RegisterAsync(plugin);
    }

    var mounted = (await host.Mounts.ListAsync()).Select(m => (m.Table, m.Path.TrimEnd('/'))).ToHashSet();
    foreach (var mount in configuration.GetSection("Mounts").Get<MountRequest[]>() ?? [])
    {
        if (!mounted.Contains((mount.Type, (mount.Path ?? mount.Plugin).TrimEnd('/'))))
        {
            await host.Mounts.EnableAsync(mount);
        }
    }

    return await RunAsync(host, args);
}
catch (PluginHostException error)
{
    Console.Error.WriteLine($"Error: {error.Message}");
    return 2;
}

static async Task<int> RunAsync(IPluginHost host, string[] args)
{
    switch (args)
    {
        case ["read", var path]:
            var secret = await host.ReadAsync(path);
            Console.WriteLine(secret?.Data is { } data ? JsonSerializer.Serialize(data) : $"No value found at {path}");
            return secret is null ? 2 : 0;
        case ["write", var path, .. var pairs]:
            var fields = pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
            await host.WriteAsync(path, fields);
            Console.WriteLine($"Success! Data written to: {path}");
            return 0;
        case ["list", var path]:
            // A list names a folder: the trailing slash the HTTP API adds for Vault's clients.
            Console.WriteLine(string.Join('\n', await host.ListAsync(path.EndsWith('/') ? path : path + "/")));
            return 0;
        case ["mounts"]:
            foreach (var mount in await host.Mounts.ListAsync())
            {
                Console.WriteLine($"{mount.RoutePath,-24} {mount.Table,-8} {mount.PluginName}");
            }

            return 0;
        default:
            Console.Error.WriteLine("usage: ConsoleHost read PATH | write PATH K=V... | list PATH | mounts");
            return 1;
    }
}

static string? FullPath(string? path) => path is null ? null : Path.GetFullPath(path, Environment.CurrentDirectory);
