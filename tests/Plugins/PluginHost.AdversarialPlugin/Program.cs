using PluginHost.AdversarialPlugin;
using PluginHost.Protocol;

if (Environment.GetEnvironmentVariable(PluginEnvironment.MagicCookieKey) != PluginEnvironment.MagicCookieValue)
{
    await Console.Error.WriteLineAsync(PluginEnvironment.NotMeantToBeRunMessage);
    return 1;
}

// Start-up misbehaviours come from the catalog entry's env: they happen before any request could ask for them.
return await StartupModes.RunAsync(
    Environment.GetEnvironmentVariable(StartupModes.Variable) ?? StartupModes.Normal,
    Environment.GetEnvironmentVariable(PluginEnvironment.Socket) ?? "",
    Environment.GetEnvironmentVariable(PluginEnvironment.Token) ?? "");
