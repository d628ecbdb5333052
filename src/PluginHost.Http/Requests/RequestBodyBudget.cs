using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace PluginHost.Http.Requests;

/// <summary>
/// The bytes of request bodies held in memory at once, across all requests, against
/// <see cref="PluginHostHttpOptions.MaxBufferedRequestBodyBytes"/>: <c>max_request_size</c> bounds one body, this bounds
/// their sum, so that many large bodies sent together meet a 503 instead of the host's memory limit.
/// </summary>
internal sealed class RequestBodyBudget(IOptions<PluginHostHttpOptions> options)
{
    private long _buffered;

    /// <summary>The bytes reserved right now (for tests and diagnostics).</summary>
    public long Buffered => Interlocked.Read(ref _buffered);

    /// <summary>A reservation for one request, grown as its body arrives and released when the request ends.</summary>
    public Reservation Open() => new(this);

    private long Limit => options.Value.MaxBufferedRequestBodyBytes;

    private bool TryReserve(long bytes)
    {
        var limit = Limit;
        var total = Interlocked.Add(ref _buffered, bytes);
        if (limit < 0 || total <= limit)
        {
            return true;
        }

        Interlocked.Add(ref _buffered, -bytes);
        return false;
    }

    private void Release(long bytes) => Interlocked.Add(ref _buffered, -bytes);

    /// <summary>The bytes one request holds; <see cref="Dispose"/> gives them back.</summary>
    internal sealed class Reservation(RequestBodyBudget budget) : IDisposable
    {
        private long _held;

        /// <summary>Grows the reservation to <paramref name="bytes"/>.</summary>
        /// <exception cref="VaultHttpException">503: the server holds too many bodies already.</exception>
        public void GrowTo(long bytes)
        {
            var more = bytes - _held;
            if (more <= 0)
            {
                return;
            }

            if (!budget.TryReserve(more))
            {
                var limit = budget.Limit;
                throw new VaultHttpException(
                    StatusCodes.Status503ServiceUnavailable,
                    string.Create(CultureInfo.InvariantCulture, $"the server is holding too many request bodies at once (limit {limit} bytes, PluginHostHttpOptions.MaxBufferedRequestBodyBytes); retry shortly"));
            }

            _held = bytes;
        }

        public void Dispose()
        {
            budget.Release(_held);
            _held = 0;
        }
    }
}
