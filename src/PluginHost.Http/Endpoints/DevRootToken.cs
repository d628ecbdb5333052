using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PluginHost.Tokens;

namespace PluginHost.Http.Endpoints;

/// <summary>
/// Puts <see cref="PluginHostHttpOptions.RootToken"/> (dev mode's root token) into the host's token store before the
/// first request, so it is an ordinary root token: looked up, authorized and revocable like any other. While the host
/// is sealed the token store cannot be read: the token is stored at the first request after the unseal.
/// </summary>
internal sealed class DevRootToken(IServiceProvider services, IOptions<PluginHostHttpOptions> options)
{
    private Task? _stored;

    public Task EnsureStoredAsync(CancellationToken cancellationToken)
    {
        if (options.Value.RootToken is not { Length: > 0 } token || _stored is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        TokenStore tokens;
        try
        {
            // The unsealed core's token store (resolved each time: a seal and unseal make a new one).
            tokens = services.GetRequiredService<TokenStore>();
        }
        catch (PluginHostException sealedHost) when (sealedHost.Code == ErrorCode.Unavailable)
        {
            return Task.CompletedTask;
        }

        var storing = LazyInitializer.EnsureInitialized(ref _stored, () => StoreAsync(tokens, token));
        if (storing.IsFaulted)
        {
            Interlocked.CompareExchange(ref _stored, null, storing);
        }

        return storing.WaitAsync(cancellationToken);
    }

    private static async Task StoreAsync(TokenStore tokens, string token)
    {
        if (await tokens.LookupAsync(token, CancellationToken.None).ConfigureAwait(false) is null)
        {
            await tokens.CreateRootAsync(token, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
