using System.Net;
using System.Text.Json;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>Checks an HTTP answer's status and returns its JSON body.</summary>
internal static class HttpExpect
{
    public static async Task<JsonElement> StatusAsync(HttpStatusCode status, Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(status, response.StatusCode, text.Length > 2000 ? text[..2000] + "…" : text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The single error of a Vault error answer.</summary>
    public static string SingleError(JsonElement body) => body.GetProperty("errors").EnumerateArray().Single().GetString()!;
}
