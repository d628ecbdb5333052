using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Storage;

namespace PluginHost.Http.Tests;

/// <summary>
/// Issue 14: whatever is wrong with a request's body is the client's mistake (4xx with Vault's error body), never a
/// 500; and a 500 never tells the client an exception's message.
/// </summary>
[TestClass]
public sealed class RequestReadingTests
{
    [TestMethod]
    [DataRow("secret/k", """{"a":1,"a":2}""", "a")]
    [DataRow("secret/k", """{"a":{"b":1,"b":2}}""", "b")]
    [DataRow("sys/mounts/other", """{"type":"kv","type":"userpass"}""", "type")]
    public async Task DuplicateKeys_Answer400NamingTheKey(string path, string body, string key)
    {
        await using var server = await WithKvAsync();

        var error = await ErrorOfAsync(HttpStatusCode.BadRequest, server.SendAsync("PUT", path, body));

        StringAssert.StartsWith(error, "error parsing JSON: ");
        StringAssert.Contains(error, $"'{key}'");
    }

    [TestMethod]
    [DataRow("""{"value":"\ud800"}""")]
    [DataRow("""{"value":"x\udc00y"}""")]
    [DataRow("""{"\ud800":"value"}""")]
    [DataRow("""{"value":{"nested":["\udfff"]}}""")]
    public async Task LoneSurrogates_Answer400_NotA500WithTheSerializersMessage(string body)
    {
        await using var server = await WithKvAsync();

        var error = await ErrorOfAsync(HttpStatusCode.BadRequest, server.SendAsync("PUT", "secret/k", body));

        StringAssert.StartsWith(error, "error parsing JSON: ");
        StringAssert.Contains(error, "not valid Unicode");
        await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("GET", "secret/k"));
    }

    [TestMethod]
    public async Task ABodyThatCannotBeRead_Answers400SayingSo()
    {
        await using var server = await WithKvAsync();

        var context = await server.SendWithBodyAsync("PUT", "/v1/secret/k", new BrokenStream());

        Assert.AreEqual(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        StringAssert.Contains(await BodyOfAsync(context), "the request body could not be read: Bad chunk size data");
    }

    [TestMethod]
    public async Task A500_TellsTheClientOnlyTheRequestId()
    {
        // A storage failure with a message that must stay in the log (it could name paths or hosts).
        await using var server = await ApiServer.StartAsync(services: s => s.Configure<PluginHostOptions>(o =>
            o.StorageFactory = _ => new FailingStorage("disk on fire at /var/lib/secret-place")));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}"""));

        var error = await ErrorOfAsync(HttpStatusCode.InternalServerError, server.SendAsync("GET", "secret/k"));

        StringAssert.StartsWith(error, "internal error (request ");
        Assert.IsFalse(error.Contains("disk on fire", StringComparison.Ordinal), error);
    }

    private static async Task<ApiServer> WithKvAsync()
    {
        var server = await ApiServer.StartAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}"""));
        return server;
    }

    private static async Task<string> ErrorOfAsync(HttpStatusCode status, Task<HttpResponseMessage> sending)
    {
        var body = await ApiServer.Expect(status, sending);
        return body.GetProperty("errors")[0].GetString()!;
    }

    private static async Task<string> BodyOfAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Response.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>A request body that fails as Kestrel's does on a chunk size that overflows.</summary>
    private sealed class BrokenStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(new IOException("Bad chunk size data"));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromException<int>(new IOException("Bad chunk size data"));
    }

    /// <summary>Storage whose reads under a mount's data fail; everything else (the mount table) works.</summary>
    private sealed class FailingStorage(string message) : IStorage
    {
        private readonly InMemoryStorage _inner = new();

        public ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default) =>
            key.StartsWith("logical/", StringComparison.Ordinal) ? throw new InvalidOperationException(message) : _inner.GetAsync(key, cancellationToken);

        public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default) => _inner.PutAsync(entry, cancellationToken);

        public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);
    }
}
