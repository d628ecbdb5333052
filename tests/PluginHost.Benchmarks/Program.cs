using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/PluginHost.Benchmarks -- [--filter *RouteLookup*]`
BenchmarkSwitcher.FromAssembly(typeof(PluginHost.Benchmarks.RouteLookupBenchmarks).Assembly).Run(args);
