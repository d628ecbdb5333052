using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Hosting;

namespace PluginHost.Http.Tests;

/// <summary>An in-memory ASP.NET Core app serving <c>MapPluginHost()</c> over an in-memory PluginHost, and a client for it.</summary>
internal sealed class ApiServer : IAsyncDisposable
{
    public const string RootToken = "test-root-token";

    private readonly WebApplication _app;

    private ApiServer(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
        Client.DefaultRequestHeaders.Add("X-Vault-Token", RootToken);
    }

    /// <summary>A client that sends the root token on every request.</summary>
    public HttpClient Client { get; }

    public IPluginHost Host => _app.Services.GetRequiredService<IPluginHost>();

    public IServiceProvider Services => _app.Services;

    public static async Task<ApiServer> StartAsync(Action<PluginHostHttpOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        services?.Invoke(builder.Services);
        builder.Services.AddPluginHost();
        builder.Services.AddPluginHostHttp(o =>
        {
            o.RootToken = RootToken;
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.MapPluginHost();
        await app.StartAsync();
        return new ApiServer(app);
    }

    /// <summary>Sends a request whose path reaches the app byte for byte (HttpClient would resolve <c>..</c> first).</summary>
    public Task<Microsoft.AspNetCore.Http.HttpContext> SendRawAsync(string method, string rawPath) =>
        _app.GetTestServer().SendAsync(context =>
        {
            context.Request.Method = method;
            context.Request.Path = rawPath;
            context.Request.Headers["X-Vault-Token"] = RootToken;
        });

    /// <summary>Sends a request with the root token and <paramref name="body"/> as the request body stream, as the server would see it.</summary>
    public Task<Microsoft.AspNetCore.Http.HttpContext> SendWithBodyAsync(string method, string path, Stream body) =>
        _app.GetTestServer().SendAsync(context =>
        {
            context.Request.Method = method;
            context.Request.Path = path;
            context.Request.Headers["X-Vault-Token"] = RootToken;
            context.Request.ContentType = "application/json";
            context.Request.Body = body;
        });

    /// <summary>A client with no token.</summary>
    public HttpClient AnonymousClient() => _app.GetTestClient();

    public Task<HttpResponseMessage> SendAsync(string method, string path, string? json = null, string contentType = "application/json") =>
        SendAsync(Client, method, path, json, contentType);

    /// <summary>Sends with <paramref name="token"/> (none when null) instead of the root token.</summary>
    public async Task<HttpResponseMessage> SendAsAsync(string? token, string method, string path, string? json = null)
    {
        using var client = AnonymousClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Add("X-Vault-Token", token);
        }

        return await SendAsync(client, method, path, json, "application/json");
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? json, string contentType)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), "/v1/" + path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return client.SendAsync(request);
    }

    /// <summary>Awaits the response, checks its status (showing the body when it differs) and returns its JSON, if any.</summary>
    public static async Task<JsonElement> Expect(System.Net.HttpStatusCode status, Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(status, response.StatusCode, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
