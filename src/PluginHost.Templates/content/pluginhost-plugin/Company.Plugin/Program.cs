using Company.Plugin;
using PluginHost.Sdk;

// Run by the host: connects back to it and serves one ItemsBackend per mount until the host shuts it down.
// Run by hand: says it is a plugin and exits with 1.
return await PluginServer.RunAsync(() => new ItemsBackend());
