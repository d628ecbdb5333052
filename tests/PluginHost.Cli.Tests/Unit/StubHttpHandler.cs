using System.Net;
using System.Text;

namespace PluginHost.Cli.Tests.Unit;

/// <summary>
/// A server that is not there: records each HTTP request plugin-host sends (method, URL, body) and answers every one
/// with the same status and JSON body, so client mode's requests and its reading of Vault's envelope are tested
/// without a process.
/// </summary>
internal sealed class StubHttpHandler(HttpStatusCode status, string body) : HttpMessageHandler
{
    /// <summary>The requests as <c>METHOD URL BODY</c> (the body empty when there is none).</summary>
    public List<string> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add($"{request.Method} {request.RequestUri} {sent}".TrimEnd());
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
