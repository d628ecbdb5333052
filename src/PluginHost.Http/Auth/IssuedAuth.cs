using PluginHost.Tokens;

namespace PluginHost.Http.Auth;

/// <summary>The token a login was given, for the <c>auth</c> block of its answer.</summary>
internal sealed record IssuedAuth(string ClientToken, TokenEntry Entry, bool Renewable);
