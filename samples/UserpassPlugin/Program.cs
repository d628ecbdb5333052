using PluginHost.Backends;
using PluginHost.Sdk;

// The built-in userpass auth method, served from its own process: users/<name>, login/<name>.
return await PluginServer.RunAsync(() => new UserpassBackend());
