using PluginHost.Backends;
using PluginHost.Sdk;

// The same kv engine PluginHost has built in, served from its own process: paths kv/<key>, writes echo their data.
return await PluginServer.RunAsync(() => new KvBackend(new KvBackendOptions { PathPrefix = "kv/", EchoWrites = true }));
