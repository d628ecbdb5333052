using Microsoft.Extensions.Options;
using PluginHost.Tokens;

namespace PluginHost.Http.Endpoints;

/// <summary>
/// Puts <see cref="PluginHostHttpOptions.RootToken"/> (dev mode's root token) into the host's token store before the
/// first request, so it is an ordinary root token: looked up, authorized and revocable like any other.
/// </summary>
internal sealed class DevRootToken(TokenStore tokens, IOptions<PluginHostHttpOptions> options)
{
    private Task? _stored;

    public Task EnsureStoredAsync(CancellationToken cancellationToken)
    {
        if (options.Value.RootToken is not { Length: > 0 } token)
        {
            return Task.CompletedTask;
        }

        var storing = LazyInitializer.EnsureInitialized(ref _stored, () => StoreAsync(token));
        if (storing.IsFaulted)
        {
            Interlocked.CompareExchange(ref _stored, null, storing);
        }

        return storing.WaitAsync(cancellationToken);
    }

    private async Task StoreAsync(string token)
    {
        if (await tokens.LookupAsync(token, CancellationToken.None).ConfigureAwait(false) is null)
        {
            await tokens.CreateRootAsync(token, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
