using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace PluginHost.Http.Requests;

/// <summary>
/// Reads a write's body as Vault does: a JSON object (fields and their values), nothing (no fields), or a form when
/// the request says <c>application/x-www-form-urlencoded</c> and the body does not start with <c>{</c> (curl's
/// <c>-d '{…}'</c> sends JSON under the form type). The body is read up to a limit, never further.
/// </summary>
internal static class RequestBody
{
    private const string FormContentType = "application/x-www-form-urlencoded";

    /// <exception cref="VaultHttpException">
    /// 413 over the limit; 503 when the server holds too many bodies (<paramref name="budget"/>); 400 when the body is
    /// not a JSON object or a form, or could not be read.
    /// </exception>
    public static async Task<IReadOnlyDictionary<string, JsonElement>?> ReadDataAsync(
        HttpRequest http, long maxBytes, RequestBodyBudget.Reservation budget, CancellationToken cancellationToken)
    {
        if (maxBytes < 0)
        {
            maxBytes = long.MaxValue;
        }

        if (http.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var body = await ReadAllAsync(http.BodyReader, maxBytes, budget, cancellationToken).ConfigureAwait(false);
        var text = body.AsSpan().TrimStart(" \t\r\n"u8);
        if (text.IsEmpty)
        {
            return null;
        }

        if (IsForm(http.ContentType) && text[0] is not (byte)'{' and not (byte)'[')
        {
            return FormData(Encoding.UTF8.GetString(text));
        }

        return JsonData(body, http.ContentType);
    }

    private static bool IsForm(string? contentType) =>
        contentType is not null && contentType.StartsWith(FormContentType, StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, JsonElement> FormData(string form)
    {
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, values) in QueryHelpers.ParseQuery("?" + form))
        {
            // Vault joins a repeated form key's values with commas.
            data[key] = JsonSerializer.SerializeToElement(string.Join(',', values.ToArray()), HttpJsonContext.Default.String);
        }

        return data;
    }

    private static Dictionary<string, JsonElement>? JsonData(byte[] body, string? contentType)
    {
        try
        {
            // A key given twice would be read one way here and perhaps another by a plugin's parser: refused, at any depth.
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowDuplicateProperties = false });
            var root = document.RootElement;
            if (FirstInvalidString(root, "$") is { } where)
            {
                // An escaped lone surrogate (\ud800) parses, but no serializer can write it again.
                throw NotAnObject($"the string at {where} is not valid Unicode (a lone UTF-16 surrogate such as \\ud800)", contentType);
            }

            return root.ValueKind switch
            {
                JsonValueKind.Object => root.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal),
                JsonValueKind.Null => null,
                var kind => throw NotAnObject($"got {Describe(kind)}", contentType),
            };
        }
        catch (JsonException error)
        {
            throw NotAnObject(error.Message, contentType);
        }
        catch (InvalidOperationException)
        {
            // The duplicate-key check decodes property names, and a lone surrogate in one cannot be decoded.
            throw NotAnObject("a property name is not valid Unicode (a lone UTF-16 surrogate such as \\ud800)", contentType);
        }
    }

    // The JSON path of the first property name or string value that is not valid UTF-16, or null.
    private static string? FirstInvalidString(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsValidUnicode(element.GetString) ? null : path;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsValidUnicode(() => property.Name))
                    {
                        return path;
                    }

                    if (FirstInvalidString(property.Value, $"{path}.{property.Name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstInvalidString(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]")) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    // The reader refuses to decode some escaped lone surrogates (InvalidOperationException) and decodes others; both
    // are checked.
    private static bool IsValidUnicode(Func<string?> read)
    {
        string text;
        try
        {
            text = read() ?? "";
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static VaultHttpException NotAnObject(string detail, string? contentType)
    {
        // Vault says only "error parsing JSON"; the rest says what was wrong and what to send instead.
        var hint = contentType is null || contentType.Contains("json", StringComparison.OrdinalIgnoreCase) || IsForm(contentType)
            ? ""
            : $" (the request's Content-Type is '{contentType}')";
        return new VaultHttpException(
            StatusCodes.Status400BadRequest,
            $"error parsing JSON: the body must be a JSON object of fields, such as {{\"value\":\"bar\"}}: {detail}{hint}");
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "true or false",
    };

    private static async Task<byte[]> ReadAllAsync(PipeReader reader, long maxBytes, RequestBodyBudget.Reservation budget, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException error) when (error is not BadHttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                // A transfer encoding the server could not decode (a chunk size that overflows): the client sent it.
                throw new VaultHttpException(StatusCodes.Status400BadRequest, $"the request body could not be read: {error.Message}");
            }

            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw TooLarge(maxBytes);
            }

            // The array made at the end is the same size again: reserve for both while the body is held.
            try
            {
                budget.GrowTo(result.IsCompleted ? 2 * buffer.Length : buffer.Length);
            }
            catch
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw;
            }

            if (result.IsCompleted)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }

            // Nothing consumed yet: ask for more until the body ends.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static VaultHttpException TooLarge(long maxBytes) => new(
        StatusCodes.Status413PayloadTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"request body is larger than the limit of {maxBytes} bytes (PluginHostHttpOptions.MaxRequestBodyBytes, Vault's max_request_size)"));
}
