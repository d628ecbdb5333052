using PluginHost.Benchmarks;

// dotnet run -c Release --project tests/PluginHost.Benchmarks -- micro [--filter '*RouteLookup*']
// dotnet run -c Release --project tests/PluginHost.Benchmarks -- e2e [--quick] [--json FILE] [--plugin PATH]
return await BenchmarkCli.RunAsync(args);
