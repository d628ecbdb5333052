using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Output;

/// <summary>
/// Vault's <c>OutputSecret</c>, <c>OutputData</c>, <c>OutputList</c> and <c>PrintRawField</c>: how a response is shown in
/// the table and JSON formats. Each returns the exit code.
/// </summary>
internal static class SecretOutput
{
    private const string KeyHeader = "Key";
    private const string ValueHeader = "Value";

    public static int OutputSecret(Ui ui, Secret secret)
    {
        if (!ui.IsTable)
        {
            ui.Output(JsonOutput.Render(writer => SecretJson.Write(writer, secret)));
            return 0;
        }

        PrintWarnings(ui, secret.Warnings);
        var rows = new List<IReadOnlyList<string>>();
        if (secret.LeaseDuration > 0)
        {
            if (secret.LeaseId.Length > 0)
            {
                rows.Add(["lease_id", secret.LeaseId]);
                rows.Add(["lease_duration", HumanDuration.FromSeconds(secret.LeaseDuration)]);
                rows.Add(["lease_renewable", Bool(secret.Renewable)]);
            }
            else
            {
                rows.Add(["refresh_interval", HumanDuration.FromSeconds(secret.LeaseDuration)]);
            }
        }

        if (secret.Auth is { } auth)
        {
            rows.Add(["token", auth.ClientToken]);
            rows.Add(["token_accessor", auth.Accessor]);

            // A lease duration of 0 is a token that never expires (a root token): Vault shows infinity.
            rows.Add(["token_duration", auth.LeaseDuration == 0 ? "∞" : HumanDuration.FromSeconds(auth.LeaseDuration)]);
            rows.Add(["token_renewable", Bool(auth.Renewable)]);
            rows.Add(["token_policies", GoValueFormatter.QuoteList(auth.TokenPolicies)]);
            rows.Add(["identity_policies", GoValueFormatter.QuoteList(auth.IdentityPolicies)]);
            rows.Add(["policies", GoValueFormatter.QuoteList(auth.Policies)]);
            foreach (var (key, value) in auth.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                rows.Add([$"token_meta_{key}", value]);
            }
        }

        rows.AddRange(DataRows(secret.Data));
        if (rows.Count > 0)
        {
            ui.Output(Table.Render([KeyHeader, ValueHeader], rows));
        }

        return 0;
    }

    /// <summary>A map of values: a Key/Value table with sorted keys, or a JSON object.</summary>
    public static int OutputData(Ui ui, IReadOnlyDictionary<string, JsonElement> data)
    {
        if (!ui.IsTable)
        {
            ui.Output(JsonOutput.Render(writer => JsonOutput.WriteSortedMap(writer, data)));
            return 0;
        }

        var rows = DataRows(data).ToArray();
        if (rows.Length > 0)
        {
            ui.Output(Table.Render([KeyHeader, ValueHeader], rows));
        }

        return 0;
    }

    /// <summary>A list answer: sorted keys under <c>Keys</c>, or the JSON array of keys in the order given.</summary>
    public static int OutputList(Ui ui, Secret secret, IReadOnlyList<string> keys)
    {
        if (!ui.IsTable)
        {
            ui.Output(JsonOutput.Render(writer => JsonOutput.WriteStrings(writer, keys)));
            return 0;
        }

        PrintWarnings(ui, secret.Warnings);
        if (keys.Count > 0)
        {
            ui.Output(Table.Render(["Keys"], keys.Order(StringComparer.Ordinal).Select(k => (IReadOnlyList<string>)[k])));
        }

        return 0;
    }

    /// <summary>Prints one field of a response alone (<c>-field</c>); a missing or null field is an error (exit 1).</summary>
    public static int PrintRawField(Ui ui, Secret secret, string field) => PrintRawField(ui, RawField(secret, field), field);

    /// <summary>Prints one field of a map alone (<c>-field</c>).</summary>
    public static int PrintRawField(Ui ui, IReadOnlyDictionary<string, JsonElement> data, string field) =>
        PrintRawField(ui, data.TryGetValue(field, out var value) ? value : null, field);

    /// <summary>Vault's warnings block on stderr, before the table.</summary>
    public static void PrintWarnings(Ui ui, IReadOnlyList<string>? warnings)
    {
        if (warnings is not { Count: > 0 })
        {
            return;
        }

        ui.Warn("WARNING! The following warnings were returned from Vault:\n");
        foreach (var warning in warnings)
        {
            ui.Warn(TextWrap.WithPadding($"* {warning}", 2));
            ui.Warn("");
        }
    }

    private static int PrintRawField(Ui ui, JsonElement? value, string field)
    {
        if (value is not { } found || found.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            ui.Error($"Field \"{Echo.Of(field)}\" not present in secret");
            return 1;
        }

        ui.Raw(ui.IsTable ? GoValueFormatter.Format(found) : JsonOutput.Render(found));
        return 0;
    }

    private static JsonElement? RawField(Secret secret, string field)
    {
        if (secret.Auth is { } auth)
        {
            return field switch
            {
                "token" => Element(auth.ClientToken),
                "token_accessor" => Element(auth.Accessor),
                "token_duration" => Element(auth.LeaseDuration),
                "token_renewable" => Element(auth.Renewable),
                "token_policies" => Element(auth.TokenPolicies),
                "identity_policies" => Element(auth.IdentityPolicies),
                "policies" => Element(auth.Policies),
                _ => DataField(secret, field),
            };
        }

        return field switch
        {
            "lease_duration" or "refresh_interval" => Element(secret.LeaseDuration),
            "lease_id" => Element(secret.LeaseId),
            "request_id" => Element(secret.RequestId),
            "renewable" => Element(secret.Renewable),
            "data" => secret.Data is null ? null : secret.Data.TryGetValue("data", out var inner) ? inner : Element(secret.Data),
            _ => DataField(secret, field),
        };
    }

    private static JsonElement? DataField(Secret secret, string field) =>
        secret.Data is not null && secret.Data.TryGetValue(field, out var value) ? value : null;

    private static JsonElement Element<T>(T value) => JsonSerializer.SerializeToElement(value);

    private static IEnumerable<IReadOnlyList<string>> DataRows(IReadOnlyDictionary<string, JsonElement>? data) =>
        (data ?? new Dictionary<string, JsonElement>())
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (IReadOnlyList<string>)[p.Key, HumanDuration.LooksLikeDuration(p.Key) ? HumanDuration.FormatValue(p.Value) : GoValueFormatter.Format(p.Value)]);

    private static string Bool(bool value) => value ? "true" : "false";
}
