using System.Net;
using System.Text.Json;

namespace PluginHost.Http.Tests;

/// <summary>Vault's HTTP API over the built-in kv engine: methods, envelope, status codes and error bodies.</summary>
[TestClass]
public sealed class LogicalApiTests
{
    private static readonly string[] EnvelopeKeys =
        ["request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info", "warnings", "auth", "mount_type"];

    private static async Task<ApiServer> WithSecretMountAsync()
    {
        var server = await ApiServer.StartAsync();
        var enabled = await server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}""");
        Assert.AreEqual(HttpStatusCode.NoContent, enabled.StatusCode, await enabled.Content.ReadAsStringAsync());
        return server;
    }

    [TestMethod]
    [DataRow("GET", "secret/foo?help=1")]
    [DataRow("GET", "secret/foo?help=true")]
    [DataRow("HELP", "secret/foo")]
    public async Task HelpQuery_AsksTheBackendForItsHelp_AndAnswersTheDataAlone(string method, string path)
    {
        // Issue 15: ?help=1 reached the backend as a read of the path (404 here), not as Vault's help operation.
        await using var server = await WithSecretMountAsync();

        var body = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync(method, path));

        Assert.IsFalse(body.TryGetProperty("data", out _), "Vault's help answer is the data itself, without the envelope");
        Assert.IsFalse(string.IsNullOrWhiteSpace(body.GetProperty("help").GetString()));
    }

    [TestMethod]
    [DataRow("secret/foo?help=1")]
    [DataRow("nomount/foo?help=1")]
    [DataRow("sys/mounts?help=1")]
    public async Task HelpQuery_WithoutAToken_IsRefused_SoOutsidersCannotMapTheMounts(string path)
    {
        await using var server = await WithSecretMountAsync();

        var body = await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsAsync(null, "GET", path));
        Assert.AreEqual("""["permission denied"]""", body.GetProperty("errors").GetRawText());
    }

    [TestMethod]
    public async Task HelpQuery_Empty_IsARead()
    {
        await using var server = await WithSecretMountAsync();

        await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("GET", "secret/foo?help="));
    }

    [TestMethod]
    public async Task WriteReadListDelete_AsVaultAnswersThem()
    {
        await using var server = await WithSecretMountAsync();

        var written = await server.SendAsync("PUT", "secret/foo", """{"value":"bar","n":3}""");
        Assert.AreEqual(HttpStatusCode.NoContent, written.StatusCode);
        Assert.AreEqual(0, (await written.Content.ReadAsByteArrayAsync()).Length);

        var read = await server.SendAsync("GET", "secret/foo");
        Assert.AreEqual(HttpStatusCode.OK, read.StatusCode);
        Assert.AreEqual("no-store", read.Headers.CacheControl?.ToString());
        Assert.AreEqual("application/json", read.Content.Headers.ContentType?.MediaType);
        var body = await ApiServer.JsonOf(read);
        CollectionAssert.AreEqual(EnvelopeKeys, body.EnumerateObject().Select(p => p.Name).ToArray(), "Vault's keys, in Vault's order, none left out");
        Assert.IsTrue(Guid.TryParse(body.GetProperty("request_id").GetString(), out _));
        Assert.AreEqual("", body.GetProperty("lease_id").GetString());
        Assert.IsFalse(body.GetProperty("renewable").GetBoolean());
        Assert.AreEqual(0, body.GetProperty("lease_duration").GetInt32());
        Assert.AreEqual("bar", body.GetProperty("data").GetProperty("value").GetString());
        Assert.AreEqual(3, body.GetProperty("data").GetProperty("n").GetInt32());
        Assert.AreEqual(JsonValueKind.Null, body.GetProperty("wrap_info").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, body.GetProperty("warnings").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, body.GetProperty("auth").ValueKind);
        Assert.AreEqual("kv", body.GetProperty("mount_type").GetString());

        foreach (var (method, path) in new[] { ("LIST", "secret"), ("LIST", "secret/"), ("GET", "secret?list=true"), ("GET", "secret/?list=1") })
        {
            var listed = await server.SendAsync(method, path);
            Assert.AreEqual(HttpStatusCode.OK, listed.StatusCode, $"{method} {path}");
            var keys = (await ApiServer.JsonOf(listed)).GetProperty("data").GetProperty("keys");
            CollectionAssert.AreEqual(new[] { "foo" }, keys.EnumerateArray().Select(k => k.GetString()).ToArray(), $"{method} {path}");
        }

        var deleted = await server.SendAsync("DELETE", "secret/foo");
        Assert.AreEqual(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertErrorsAsync(await server.SendAsync("GET", "secret/foo"), HttpStatusCode.NotFound);
        await AssertErrorsAsync(await server.SendAsync("LIST", "secret/"), HttpStatusCode.NotFound);
    }

    [TestMethod]
    public async Task PostAndPut_BothWrite_AndCurlsFormTypedJsonIsReadAsJson()
    {
        await using var server = await WithSecretMountAsync();

        Assert.AreEqual(HttpStatusCode.NoContent, (await server.SendAsync("POST", "secret/a", """{"value":"1"}""")).StatusCode);
        Assert.AreEqual(HttpStatusCode.NoContent, (await server.SendAsync("PUT", "secret/b", """{"value":"2"}""", "application/x-www-form-urlencoded")).StatusCode);
        Assert.AreEqual(HttpStatusCode.NoContent, (await server.SendAsync("PUT", "secret/c", "value=3&other=x&other=y", "application/x-www-form-urlencoded")).StatusCode);

        Assert.AreEqual("2", (await ApiServer.JsonOf(await server.SendAsync("GET", "secret/b"))).GetProperty("data").GetProperty("value").GetString());
        var form = (await ApiServer.JsonOf(await server.SendAsync("GET", "secret/c"))).GetProperty("data");
        Assert.AreEqual("3", form.GetProperty("value").GetString());
        Assert.AreEqual("x,y", form.GetProperty("other").GetString(), "a repeated form key's values are joined with commas, as in Vault");
    }

    [TestMethod]
    public async Task SysMounts_RepeatsItsDataAtTheTopLevel_AsVaultDoes()
    {
        await using var server = await WithSecretMountAsync();

        var body = await ApiServer.JsonOf(await server.SendAsync("GET", "sys/mounts"));

        Assert.AreEqual("kv", body.GetProperty("secret/").GetProperty("type").GetString());
        Assert.AreEqual("kv", body.GetProperty("data").GetProperty("secret/").GetProperty("type").GetString());
        Assert.AreEqual("system", body.GetProperty("mount_type").GetString());
        var catalog = await ApiServer.JsonOf(await server.SendAsync("GET", "sys/plugins/catalog"));
        Assert.IsFalse(catalog.TryGetProperty("secret", out _), "sys/plugins is not one of Vault's injected routes");
    }

    [TestMethod]
    public async Task UnmountedPath_Is404_NamingTheRoute()
    {
        await using var server = await ApiServer.StartAsync();

        await AssertErrorsAsync(await server.SendAsync("GET", "nomount/x"), HttpStatusCode.NotFound, "no handler for route \"nomount/x\". route entry not found.");
    }

    [TestMethod]
    public async Task MissingOrWrongToken_Is403PermissionDenied_AndNothingIsStored()
    {
        await using var server = await WithSecretMountAsync();
        using var anonymous = server.AnonymousClient();

        await AssertErrorsAsync(await anonymous.PutAsync("/v1/secret/foo", new StringContent("""{"value":"bar"}""")), HttpStatusCode.Forbidden, "permission denied");
        using var wrong = new HttpRequestMessage(HttpMethod.Put, "/v1/secret/foo") { Content = new StringContent("""{"value":"bar"}""") };
        wrong.Headers.Add("X-Vault-Token", "not-the-root-token");
        await AssertErrorsAsync(await anonymous.SendAsync(wrong), HttpStatusCode.Forbidden, "permission denied");
        await AssertErrorsAsync(await anonymous.GetAsync("/v1/sys/mounts"), HttpStatusCode.Forbidden, "permission denied");

        Assert.IsNull(await Hosting.PluginHostRequestExtensions.ReadAsync(server.Host, "secret/foo"), "a refused write stores nothing");
    }

    [TestMethod]
    public async Task BearerToken_IsAcceptedLikeXVaultToken()
    {
        await using var server = await WithSecretMountAsync();
        using var anonymous = server.AnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/sys/mounts");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiServer.RootToken);

        Assert.AreEqual(HttpStatusCode.OK, (await anonymous.SendAsync(request)).StatusCode);
    }

    [TestMethod]
    [DataRow("""{"value":""", "error parsing JSON")]
    [DataRow("""["value"]""", "got an array")]
    [DataRow("\"bar\"", "got a string")]
    [DataRow("<value>bar</value>", "the request's Content-Type is 'application/xml'")]
    public async Task BodyThatIsNotAJsonObject_Is400SayingWhatToSend(string body, string expected)
    {
        await using var server = await WithSecretMountAsync();

        var contentType = body.StartsWith('<') ? "application/xml" : "application/json";
        var response = await server.SendAsync("PUT", "secret/foo", body, contentType);

        var error = await AssertErrorsAsync(response, HttpStatusCode.BadRequest);
        StringAssert.StartsWith(error, "error parsing JSON: the body must be a JSON object of fields");
        StringAssert.Contains(error, expected);
        Assert.IsNull(await Hosting.PluginHostRequestExtensions.ReadAsync(server.Host, "secret/foo"));
    }

    [TestMethod]
    public async Task BodyOverTheLimit_Is413NamingTheLimit_AndNothingIsStored()
    {
        await using var server = await ApiServer.StartAsync(o => o.MaxRequestBodyBytes = 1024);
        Assert.AreEqual(HttpStatusCode.NoContent, (await server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}""")).StatusCode);

        var response = await server.SendAsync("PUT", "secret/big", $$"""{"value":"{{new string('x', 2048)}}"}""");

        var error = await AssertErrorsAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.AreEqual("request body is larger than the limit of 1024 bytes (PluginHostHttpOptions.MaxRequestBodyBytes, Vault's max_request_size)", error);
        Assert.IsNull(await Hosting.PluginHostRequestExtensions.ReadAsync(server.Host, "secret/big"));
    }

    [TestMethod]
    [DataRow("PROPFIND")]
    [DataRow("TRACE")]
    [DataRow("OPTIONS")]
    public async Task OtherMethods_Are405WithVaultsEmptyErrors(string method)
    {
        await using var server = await WithSecretMountAsync();

        await AssertErrorsAsync(await server.SendAsync(method, "secret/foo"), HttpStatusCode.MethodNotAllowed);
    }

    [TestMethod]
    [DataRow("/v1/secret/../sys/mounts")]
    [DataRow("/v1/secret/./foo")]
    [DataRow("/v1/secret/a/../../sys/mounts")]
    public async Task ParentReferences_ThatReachTheApp_AreRefused(string rawPath)
    {
        await using var server = await WithSecretMountAsync();

        var context = await server.SendRawAsync("GET", rawPath);

        Assert.AreEqual(400, context.Response.StatusCode);
        using var body = JsonDocument.Parse(context.Response.Body);
        Assert.AreEqual("path cannot contain parent references", body.RootElement.GetProperty("errors")[0].GetString());
    }

    [TestMethod]
    public async Task ListParameterThatIsNotABoolean_Is400()
    {
        await using var server = await WithSecretMountAsync();

        Assert.AreEqual("list must be true or false, not 'maybe'", await AssertErrorsAsync(await server.SendAsync("GET", "secret/?list=maybe"), HttpStatusCode.BadRequest));
    }

    [TestMethod]
    public async Task QueryParameters_AreTheDataOfReadsAndDeletes()
    {
        await using var server = await WithSecretMountAsync();

        // sys/plugins/catalog/secret/kv reads with ?version=; an unknown one is refused by name.
        var response = await server.SendAsync("GET", "sys/plugins/catalog/secret/kv?version=v9.9.9");

        Assert.AreNotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<string?> AssertErrorsAsync(HttpResponseMessage response, HttpStatusCode status, string? message = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(status, response.StatusCode, text);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.AreEqual(JsonValueKind.Array, errors.ValueKind);
        if (message is not null)
        {
            Assert.AreEqual(message, errors[0].GetString());
        }

        return errors.GetArrayLength() == 0 ? null : errors[0].GetString();
    }
}
