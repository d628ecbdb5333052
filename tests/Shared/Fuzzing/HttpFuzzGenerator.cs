using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace PluginHost.Tests.Shared.Fuzzing;

/// <summary>
/// A seeded generator of raw HTTP/1.1 requests against Vault's API as <c>plugin-host server</c> serves it: methods
/// (Vault's and others), paths (the kv, plugin and userpass mounts, <c>sys/…</c>, traversal, encodings, NULs, very long),
/// headers (tokens good and bad, content types, duplicates, oversized, malformed) and bodies (valid JSON for the path,
/// invalid JSON, duplicate keys, deep nesting, huge strings, lone surrogates, binary, forms, nothing) with their framing
/// (Content-Length exact, short, absent or invalid; chunked, well or badly). Request N of seed S is always the same.
/// </summary>
/// <remarks>
/// What it never sends, so the server is never left waiting and the run stays meaningful: a body shorter than its
/// Content-Length or a chunk size larger than the bytes after it (except sizes that overflow), a request whose headers
/// do not end, destructive requests on the mounts the runner set up (only scratch names are mounted, moved, disabled
/// or deregistered), and the root or user token in a revocation.
/// </remarks>
internal sealed class HttpFuzzGenerator(int seed, HttpFuzzTarget target)
{
    /// <summary>Vault's request body limit (32 MiB): bodies above it must be refused with 413.</summary>
    public const int MaxRequestBodyBytes = 32 * 1024 * 1024;

    /// <summary>Request <paramref name="index"/> of this generator's seed.</summary>
    public HttpFuzzCase Generate(int index) => new Composer(new FuzzRandom(seed, index), target, index).Compose();

    private sealed record PathChoice(string Path, Func<JsonNode?>? Body, string[] Methods);

    private sealed class Composer(FuzzRandom random, HttpFuzzTarget target, int index)
    {
        private static readonly string[] ScratchMounts = ["fuzz-a", "fuzz-b", "fuzz-c"];
        private static readonly string[] ScratchPolicies = ["fuzz-p1", "fuzz-p2", "default", "root", "no such", "a/b", ""];
        private static readonly string[] ScratchPlugins = ["fuzz-plugin-1", "fuzz-plugin-2", "../my-mock-plugin", ""];
        private static readonly string[] Users = ["alice", "bob", "", "a b", "ünï", "root", "x/y"];

        private readonly List<string> _notes = [];

        public HttpFuzzCase Compose()
        {
            if (random.Chance(0.03))
            {
                return Raw();
            }

            var method = Method();
            var choice = Path();
            if (random.Chance(0.6) && choice.Methods.Length > 0)
            {
                method = random.Pick(choice.Methods);
            }

            var requestTarget = Target(choice.Path);
            var version = Version();
            var request = new List<byte[]>();
            _notes.Insert(0, $"{Shorten(method)} {Shorten(requestTarget.Text)} {version}");
            request.Add(Ascii(method + " "));
            request.Add(requestTarget.Bytes);
            request.Add(Ascii(" " + version + "\r\n"));

            var headers = new List<(string Name, byte[] Value)>();
            AddHost(headers);
            AddToken(headers);
            var wantsBody = method is "PUT" or "POST" or "PATCH" ? random.Chance(0.9) : random.Chance(0.07);
            var (body, contentType) = wantsBody ? Body(choice) : (null, null);
            AddContentType(headers, body is not null, contentType);
            AddExtras(headers);
            var framing = Framing(headers, body, method, choice.Path);
            AddConnection(headers);
            foreach (var (name, value) in headers)
            {
                request.Add(Ascii(name));
                request.Add(value);
                request.Add(Ascii("\r\n"));
            }

            AddHeaderAnomaly(request);
            request.Add(Ascii("\r\n"));
            request.Add(framing);
            return new HttpFuzzCase(index, Concat(request), string.Join(" · ", _notes), method == "HEAD");
        }

        // A request that is not HTTP at all, or barely: it still ends its headers so the server answers at once. Random
        // bytes start with a letter: a server rightly skips empty lines before a request line, and would wait after
        // bytes that are only CR and LF for a request that never comes.
        private HttpFuzzCase Raw()
        {
            var (note, bytes) = random.Next(6) switch
            {
                0 => ("raw: random bytes", Concat([Ascii("X"), random.Bytes(random.Length(4000)), Ascii("\r\n\r\n")])),
                1 => ("raw: request line then binary", Concat([Ascii("GET /v1/sys/health HTTP/1.1\r\n"), random.Bytes(random.Length(2000)), Ascii("\r\n\r\n")])),
                2 => ("raw: HTTP/2 preface", Ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")),
                3 => ("raw: TLS ClientHello-like", Concat([[0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03], random.Bytes(64), Ascii("\r\n\r\n")])),
                4 => ("raw: bare LF lines", Ascii($"GET /v1/sys/health HTTP/1.1\nHost: {target.Authority}\nConnection: close\n\n")),
                _ => ("raw: empty lines then a request", Ascii($"\r\n\r\nGET /v1/sys/health HTTP/1.1\r\nHost: {target.Authority}\r\nConnection: close\r\n\r\n")),
            };
            return new HttpFuzzCase(index, bytes, note, IsHead: false);
        }

        private string Method() => random.Weighted<string>(
        [
            (20, "GET"), (15, "PUT"), (15, "POST"), (7, "DELETE"), (8, "LIST"), (4, "PATCH"), (4, "HEAD"), (3, "OPTIONS"),
            (1, "TRACE"), (1, "CONNECT"), (1, "get"), (1, "FOO"), (1, "PROPFIND"), (0.5, new string('A', random.Next(100, 400))),
            (0.3, "GE T"), (0.3, "G\u00c9T"), (0.3, "LIST\t"),
        ]);

        // A logical path under /v1/, with the body that is valid for it and the methods that make sense there.
        private PathChoice Path()
        {
            string[] read = ["GET"], write = ["PUT", "POST"], list = ["LIST", "GET"], all = ["GET", "PUT", "POST", "DELETE", "LIST"];
            const string kv = HttpFuzzTarget.KvMount;
            return random.Weighted<Func<PathChoice>>(
            [
                (14, () => new PathChoice($"{kv}/{Key()}", KvBody, all)),
                (3, () => new PathChoice(random.Pick([kv, kv + "/", kv + "/dir", kv + "/dir/"]), KvBody, list)),
                (12, () => new PathChoice($"{HttpFuzzTarget.PluginMount}/kv/{Key()}", KvBody, all)),
                (3, () => new PathChoice(random.Pick([$"{HttpFuzzTarget.PluginMount}/kv", $"{HttpFuzzTarget.PluginMount}/kv/", HttpFuzzTarget.PluginMount, $"{HttpFuzzTarget.PluginMount}/{Key()}"]), KvBody, list)),
                (6, () => new PathChoice($"auth/{Userpass()}/users/{User()}", UserBody, all)),
                (6, () => new PathChoice($"auth/{Userpass()}/login/{User()}", LoginBody, write)),
                (1, () => new PathChoice($"auth/{Userpass()}/users", null, list)),
                (7, () => new PathChoice("auth/token/" + random.Pick(TokenPaths), TokenBody, write)),
                (5, () => new PathChoice(random.Pick(["sys/mounts", $"sys/mounts/{Scratch()}", $"sys/mounts/{Scratch()}/tune", $"sys/mounts/{HttpFuzzTarget.KvMount}/tune"]), MountBody, all)),
                (3, () => new PathChoice(random.Pick(["sys/auth", $"sys/auth/{Scratch()}", $"sys/auth/{Scratch()}/tune"]), AuthBody, all)),
                (5, () => new PathChoice(random.Pick(["sys/policies/acl", $"sys/policies/acl/{random.Pick(ScratchPolicies)}", "sys/policy", $"sys/policy/{random.Pick(ScratchPolicies)}"]), PolicyBody, all)),
                (5, () => new PathChoice(Catalog(), CatalogBody, all)),
                (1, () => new PathChoice("sys/plugins/reload/backend", ReloadBody, write)),
                (3, () => new PathChoice(random.Pick(["sys/audit", $"sys/audit/{Scratch()}", $"sys/audit-hash/{Scratch()}"]), AuditBody, all)),
                (3, () => new PathChoice(random.Pick(["sys/capabilities-self", "sys/capabilities", "sys/capabilities-accessor"]), CapabilitiesBody, write)),
                (3, () => new PathChoice("sys/health", null, read)),
                (1, () => new PathChoice("sys/remount", RemountBody, write)),
                (3, () => new PathChoice("sys/" + random.Pick(SysOthers), RandomObject, all)),
                (3, () => new PathChoice(random.Pick(["", "nomount/x", "cubbyhole/x", "v1/secret/x", Key(), "auth/", "auth/nomount/login/x", "sys"]), RandomObject, all)),
            ])();
        }

        private static readonly string[] TokenPaths =
        [
            "create", "create-orphan", "lookup", "lookup-self", "lookup-accessor", "renew", "renew-self", "renew-accessor",
            "revoke", "revoke-accessor", "accessors", "roles/x", "tidy", "", "create/x",
        ];

        private static readonly string[] SysOthers =
        [
            "seal", "unseal", "init", "leader", "key-status", "seal-status", "internal/ui/mounts", "tools/random", "wrapping/wrap",
            "leases/lookup", "mounts/", "plugins/catalog/", "config/cors", "namespaces/x", "", "metrics", "pprof/heap", "host-info",
        ];

        private string Userpass() => random.Weighted<string>([(8, HttpFuzzTarget.UserpassMount), (3, HttpFuzzTarget.BuiltinUserpassMount), (1, "nomount")]);

        private string User() => random.Chance(0.5) ? target.UserName : random.Pick(Users);

        private string Scratch() => random.Chance(0.85) ? random.Pick(ScratchMounts) : random.Pick(["", "sys", "auth/x", "a b", "ü", new string('m', 300), "cubbyhole", "token"]);

        private string Catalog()
        {
            var type = random.Weighted<string>([(5, "secret"), (3, "auth"), (1, "database"), (1, "junk"), (0.5, "")]);
            return random.Next(4) switch
            {
                0 => "sys/plugins/catalog",
                1 => $"sys/plugins/catalog/{type}",
                _ => $"sys/plugins/catalog/{type}/{random.Pick(ScratchPlugins)}",
            };
        }

        private string Key() => random.Weighted<Func<string>>(
        [
            (10, () => "k" + random.Next(10).ToString(CultureInfo.InvariantCulture)),
            (3, () => $"dir/k{random.Next(5).ToString(CultureInfo.InvariantCulture)}"),
            (1, () => "ключ-" + random.Next(3).ToString(CultureInfo.InvariantCulture)),
            (1, () => "emoji-\U0001F600"),
            (1, () => "with space"),
            (1, () => "q?x=1"),
            (1, () => new string('k', random.Length(3000))),
            (0.5, () => ""),
            (0.5, () => "."),
            (0.5, () => ".."),
        ])();

        private JsonObject KvBody() => random.Chance(0.7)
            ? new JsonObject { ["value"] = Text() }
            : RandomObject();

        private JsonObject UserBody() => new JsonObject
        {
            ["password"] = random.Chance(0.8) ? target.UserPassword : Text(),
            ["token_policies"] = random.Pick(["default", "default,fuzz-p1", "root", "", "a,,b"]),
            ["token_ttl"] = random.Chance(0.3) ? Duration() : null,
        };

        private JsonObject LoginBody() => new JsonObject { ["password"] = random.Chance(0.6) ? target.UserPassword : Text() };

        private JsonObject TokenBody()
        {
            // Never the root or the user's token in a revocation: the run would lose them.
            var token = random.Pick([target.UserToken, "hvs.garbage", "", Text()]);
            return random.Next(3) switch
            {
                0 => new JsonObject
                {
                    ["policies"] = new JsonArray(random.Pick(["default", "fuzz-p1", "root", "", "x y"])),
                    ["ttl"] = Duration(),
                    ["explicit_max_ttl"] = random.Chance(0.3) ? Duration() : null,
                    ["no_parent"] = random.Chance(0.2),
                    ["renewable"] = random.Chance(0.5) ? JsonValue.Create(random.Chance(0.5)) : JsonValue.Create("maybe"),
                    ["display_name"] = random.Chance(0.3) ? Text() : null,
                    ["num_uses"] = random.Chance(0.1) ? 3 : null,
                },
                1 => new JsonObject { ["token"] = token, ["increment"] = random.Chance(0.5) ? Duration() : null },
                _ => new JsonObject { ["accessor"] = random.Pick(["", "x", Text()]) },
            };
        }

        private JsonObject MountBody() => new JsonObject
        {
            ["type"] = random.Pick(["kv", "my-mock-plugin", "fuzz-plugin-1", "userpass", "nope", "", "system", "token"]),
            ["description"] = random.Chance(0.3) ? Text() : null,
            ["config"] = random.Chance(0.4)
                ? new JsonObject { ["default_lease_ttl"] = Duration(), ["max_lease_ttl"] = Duration() }
                : null,
            ["options"] = random.Chance(0.2) ? new JsonObject { ["version"] = random.Pick(["1", "2", "x"]) } : null,
            ["default_lease_ttl"] = random.Chance(0.2) ? Duration() : null,
        };

        private JsonObject AuthBody() => new JsonObject
        {
            ["type"] = random.Pick(["userpass", "my-userpass-plugin", "my-mock-plugin", "token", "nope", ""]),
            ["description"] = random.Chance(0.3) ? Text() : null,
        };

        private JsonObject PolicyBody()
        {
            var policy = random.Weighted<string>(
            [
                (5, "path \"secret/*\" {\n  capabilities = [\"read\", \"list\"]\n}\n"),
                (2, "path \"secret/*\" { capabilities = [\"banana\"] }"),
                (2, "path \"secret/*\" {"),
                (1, "{\"path\":{\"secret/*\":{\"capabilities\":[\"read\"]}}}"),
                (1, Convert.ToBase64String(Encoding.UTF8.GetBytes("path \"x\" { capabilities = [\"deny\"] }"))),
                (1, Text()),
                (0.5, string.Concat(Enumerable.Repeat("path \"a/*\" { capabilities = [\"read\"] }\n", random.Length(5000)))),
                (0.5, new string('{', random.Length(20000))),
            ]);
            return new JsonObject { [random.Chance(0.85) ? "policy" : "rules"] = policy };
        }

        private JsonObject CatalogBody() => new JsonObject
        {
            ["sha256"] = random.Weighted<string>([(5, target.MockSha256), (2, "zz"), (1, ""), (1, new string('0', 64)), (0.5, Text())]),
            ["command"] = random.Weighted<string>([(6, "my-mock-plugin"), (1, "../../bin/sh"), (1, "/bin/true"), (1, ""), (1, "my-mock-plugin --evil"), (0.5, Text())]),
            ["args"] = random.Chance(0.2) ? new JsonArray("-x", Text()) : null,
            ["env"] = random.Chance(0.2) ? new JsonArray(random.Pick(["A=B", "LD_PRELOAD=/tmp/x.so", "DOTNET_STARTUP_HOOKS=x", "=", "NOEQUALS"])) : null,
            ["version"] = random.Chance(0.2) ? random.Pick(["v1.0.0", "1", "x", ""]) : null,
            ["memory_limit"] = random.Chance(0.2) ? random.Pick<JsonNode>(["256MiB", 1, -1, "1e99", "16MiB", 99999999999999999]) : null,
            ["max_processes"] = random.Chance(0.15) ? random.Pick<JsonNode>([0, 1, 64, -5, "x", 2147483648L]) : null,
            ["max_open_files"] = random.Chance(0.15) ? random.Pick<JsonNode>([0, 16, 1024, 2000000, "x"]) : null,
            ["type"] = random.Chance(0.1) ? random.Pick(["secret", "auth", "database", "x"]) : null,
        };

        private JsonObject ReloadBody() => random.Chance(0.5)
            ? new JsonObject { ["plugin"] = random.Pick(["my-mock-plugin", "fuzz-plugin-1", "nope", ""]) }
            : new JsonObject { ["mounts"] = new JsonArray(random.Pick([HttpFuzzTarget.PluginMount, "fuzz-a", "nope/", ""])) };

        private JsonObject AuditBody() => random.Chance(0.6)
            ? new JsonObject
            {
                ["type"] = random.Pick(["file", "syslog", "socket", ""]),
                ["description"] = random.Chance(0.3) ? Text() : null,
                ["options"] = new JsonObject
                {
                    // Files only in the server's own directory, or places that cannot be opened; never a device that
                    // fails every write (such a device would make every later request a documented 500).
                    ["file_path"] = random.Pick(["audit-fuzz.log", "discard", "audit dir/x.log", "/proc/plugin-host-fuzz/audit.log", "", "nonexistent-dir/a.log"]),
                    ["mode"] = random.Chance(0.3) ? random.Pick(["0600", "777", "x", "-1"]) : null,
                    ["log_raw"] = random.Chance(0.2) ? random.Pick(["true", "maybe"]) : null,
                    ["format"] = random.Chance(0.2) ? random.Pick(["json", "jsonx", "x"]) : null,
                },
            }
            : new JsonObject { ["input"] = Text() };

        private JsonObject CapabilitiesBody() => new JsonObject
        {
            ["paths"] = random.Chance(0.8) ? new JsonArray("secret/k1", random.Pick(["sys/mounts", "", Text()])) : JsonValue.Create(Text()),
            ["path"] = random.Chance(0.2) ? "secret/x" : null,
            ["token"] = random.Chance(0.5) ? random.Pick([target.UserToken, "garbage", ""]) : null,
            ["accessor"] = random.Chance(0.3) ? random.Pick(["garbage", ""]) : null,
        };

        private JsonObject RemountBody() => new JsonObject
        {
            ["from"] = random.Pick(["fuzz-a", "fuzz-b", "nope", "", "sys", "auth/fuzz-c"]),
            ["to"] = random.Pick(["fuzz-b", "fuzz-c", HttpFuzzTarget.KvMount, "", "sys/x", "auth/fuzz-d", "a/../b"]),
        };

        private JsonObject RandomObject() => RandomJson(random.Next(1, 5)) is JsonObject o ? o : new JsonObject { ["value"] = RandomJson(2) };

        private JsonNode? RandomJson(int depth) => random.Next(depth <= 0 ? 5 : 8) switch
        {
            0 => null,
            1 => JsonValue.Create(random.Chance(0.5)),
            2 => JsonValue.Create(random.Pick<double>([0, -1, 1.5, 1e300, -1e-300, long.MaxValue, int.MinValue])),
            3 or 4 => JsonValue.Create(Text()),
            5 => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(depth - 1))]),
            _ => RandomObjectOf(depth - 1),
        };

        private JsonObject RandomObjectOf(int depth)
        {
            var o = new JsonObject();
            for (var i = random.Next(5); i > 0; i--)
            {
                o[random.Pick(["value", "a", "", "ключ", "a.b", "$ref", "__proto__", "type", "password", Text()])] = RandomJson(depth);
            }

            return o;
        }

        private string Duration() => random.Pick(["1h", "30m", "0", "-1s", "10", "1e9h", "forever", "", "768h", "9999999999999h", "1h1h"]);

        // Short strings of every kind: ASCII, escapes, non-ASCII, controls.
        private string Text() => random.Weighted<Func<string>>(
        [
            (5, () => random.Pick(["bar", "value", "x", "", "0", "true", "null"])),
            (2, () => random.Text(random.Length(200), "abcdefghijklmnopqrstuvwxyz0123456789 -_./")),
            (1, () => random.Text(random.Length(50), "\"\\/\b\f\n\r\t\u0001\u001f\u007f")),
            (1, () => random.Text(random.Length(50), "äöüßéñ日本語ключ\U0001F600\u200b\ufeff\ufffd")),
            (0.5, () => random.Text(random.Length(50), "${}%`'<>&;|*?[]")),
        ])();

        private (byte[] Bytes, string Text) Target(string path)
        {
            var segments = path.Split('/');
            var encoded = string.Join('/', segments.Select(s => Uri.EscapeDataString(s)));
            var bytes = new List<byte>(Encoding.UTF8.GetBytes(encoded));
            var notes = new List<string>();
            if (random.Chance(0.05))
            {
                var traversal = random.Pick(["../", "%2e%2e/", "%2E%2E%2F", "./", "%2e/", "..%2f", "%252e%252e/", "..;/", ".%2e/"]);
                var at = Boundary(bytes);
                bytes.InsertRange(at, Encoding.ASCII.GetBytes(traversal));
                notes.Add("traversal " + traversal);
            }

            if (random.Chance(0.03))
            {
                var nul = random.Pick(["%00", "%2500", "%00.json", "\0"]);
                bytes.InsertRange(random.Next(bytes.Count + 1), Encoding.ASCII.GetBytes(nul));
                notes.Add("NUL " + Printable.Of(Encoding.ASCII.GetBytes(nul)));
            }

            if (random.Chance(0.03))
            {
                var doubled = Encoding.ASCII.GetString([.. bytes]).Replace("%", "%25", StringComparison.Ordinal);
                bytes = [.. Encoding.ASCII.GetBytes(doubled + "%252F")];
                notes.Add("double-encoded");
            }

            if (random.Chance(0.03))
            {
                var empty = random.Pick(["//", "///", "/./", "/"]);
                bytes.InsertRange(Boundary(bytes), Encoding.ASCII.GetBytes(empty));
                notes.Add("empty segments");
            }

            if (random.Chance(0.02))
            {
                bytes.InsertRange(random.Next(bytes.Count + 1), Encoding.UTF8.GetBytes(random.Pick(["ü", "日本", "\U0001F600", "\u202e", "ключ"])));
                notes.Add("raw UTF-8");
            }

            if (random.Chance(0.02))
            {
                bytes.InsertRange(random.Next(bytes.Count + 1), random.Pick<byte[]>([[0xff], [0xc0, 0xae], [0xed, 0xa0, 0x80], [0x80], [0x7f]]));
                notes.Add("raw invalid byte");
            }

            if (random.Chance(0.02))
            {
                var bad = random.Pick(["%", "%g1", "%c0%ae", "%ed%a0%80", "%ff", "%u002e", "%%", "%2"]);
                bytes.InsertRange(random.Next(bytes.Count + 1), Encoding.ASCII.GetBytes(bad));
                notes.Add("bad escape " + bad);
            }

            if (random.Chance(0.02))
            {
                var length = random.Pick([1000, 4000, 8000, 12000]);
                bytes.AddRange(Encoding.ASCII.GetBytes("/" + new string('a', length)));
                notes.Add($"long segment {length.ToString(CultureInfo.InvariantCulture)}");
            }

            if (random.Chance(0.01))
            {
                var count = random.Pick([100, 500, 2000]);
                bytes.AddRange(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("/a", count))));
                notes.Add($"{count.ToString(CultureInfo.InvariantCulture)} segments");
            }

            if (random.Chance(0.02))
            {
                var odd = random.Pick(["\\", "%5c", ";x=1", "#frag", " ", "\t", "%20", "~", "*", ":", "@"]);
                bytes.InsertRange(random.Next(bytes.Count + 1), Encoding.ASCII.GetBytes(odd));
                notes.Add("odd character " + Printable.Of(Encoding.ASCII.GetBytes(odd)));
            }

            var prefix = random.Weighted<string>(
            [
                (92, "/v1/"), (1, "/v1"), (1, "/V1/"), (1, "/v2/"), (1, "/"), (1, ""), (1, $"http://{target.Authority}/v1/"), (1, "//v1/"),
                (0.5, "/v1/%2f"), (0.5, "/v1/./"), (0.5, "/v1/../v1/"),
            ]);
            if (prefix is "" && random.Chance(0.5))
            {
                prefix = "*";
                bytes.Clear();
            }

            var query = random.Chance(0.15) ? random.Weighted<string>(
            [
                (4, "?list=true"), (1, "?list=maybe"), (1, "?list="), (1, "?help=1"), (1, "?version=2"), (1, "?a=1&a=2"),
                (1, "?%zz=1"), (1, "?="), (1, "?&&&"), (1, "?list=true&list=false"), (0.5, "?x=" + new string('q', random.Length(7000))),
                (0.5, "?k=%E2%82%AC&%00=1"), (0.5, "?activecode=299&standbycode=abc"), (0.5, "?activecode=999999999999"),
            ]) : "";
            var all = Concat([Ascii(prefix), [.. bytes], Ascii(query)]);
            _notes.AddRange(notes);
            return (all, Encoding.Latin1.GetString(all));
        }

        // An index just after a '/' (or the start): where a segment may be inserted.
        private int Boundary(List<byte> bytes)
        {
            var slashes = new List<int> { 0 };
            for (var i = 0; i < bytes.Count; i++)
            {
                if (bytes[i] == (byte)'/')
                {
                    slashes.Add(i + 1);
                }
            }

            return random.Pick(slashes);
        }

        private string Version()
        {
            var version = random.Weighted<string>(
            [
                (95, "HTTP/1.1"), (1.5, "HTTP/1.0"), (0.5, "HTTP/2.0"), (0.5, "HTTP/0.9"), (0.5, "http/1.1"), (0.5, "HTTP/1.10"), (0.5, "HTTP/9.9"),
                (0.3, "HTTP/1.1 extra"), (0.2, ""),
            ]);
            if (version != "HTTP/1.1")
            {
                _notes.Add($"version '{version}'");
            }

            return version;
        }

        private void AddHost(List<(string Name, byte[] Value)> headers)
        {
            var roll = random.Next(100);
            if (roll < 92)
            {
                headers.Add(("Host: ", Ascii(target.Authority)));
            }
            else if (roll < 95)
            {
                _notes.Add("no Host");
            }
            else if (roll < 97)
            {
                headers.Add(("Host: ", Ascii(target.Authority)));
                headers.Add(("Host: ", Ascii("example.com")));
                _notes.Add("two Hosts");
            }
            else
            {
                var host = random.Pick<byte[]>([[], Ascii("a b"), [0xff, 0xfe], Ascii("[::1"), Ascii(new string('h', 5000)), Ascii("127.0.0.1:99999")]);
                headers.Add(("Host: ", host));
                _notes.Add("Host " + Printable.Of(host, maxChars: 40));
            }
        }

        private void AddToken(List<(string Name, byte[] Value)> headers)
        {
            var (note, name, value) = random.Weighted<Func<(string, string, byte[])>>(
            [
                (45, () => ("token=root", "X-Vault-Token: ", Ascii(target.RootToken))),
                (18, () => ("token=user", "X-Vault-Token: ", Ascii(target.UserToken))),
                (14, () => ("no token", "", [])),
                (8, () => ("token=garbage", "X-Vault-Token: ", Ascii(random.Text(random.Next(1, 60), "abcdefghijklmnopqrstuvwxyz0123456789.-_")))),
                (2, () => ("token=empty", "X-Vault-Token: ", [])),
                (1, () => ("token=huge", "X-Vault-Token: ", Ascii(new string('t', random.Pick([4000, 20000, 40000]))))),
                (1, () => ("token=control char", "X-Vault-Token: ", Concat([Ascii(target.RootToken), [0x01]]))),
                (1, () => ("token=non-ASCII", "X-Vault-Token: ", Encoding.UTF8.GetBytes("hvs.ключ"))),
                (3, () => ("Authorization: Bearer root", "Authorization: ", Ascii("Bearer " + target.RootToken))),
                (1, () => ("Authorization: Basic garbage", "Authorization: ", Ascii("Basic Zm9vOmJhcg=="))),
                (1, () => ("Authorization: Bearer (empty)", "Authorization: ", Ascii("Bearer "))),
            ])();
            _notes.Add(note);
            if (name.Length > 0)
            {
                headers.Add((name, value));
            }

            if (random.Chance(0.03))
            {
                headers.Add(("X-Vault-Token: ", Ascii(random.Chance(0.5) ? "garbage" : target.RootToken)));
                _notes.Add("second X-Vault-Token");
            }
        }

        private void AddContentType(List<(string Name, byte[] Value)> headers, bool hasBody, string? preferred)
        {
            if (!hasBody && !random.Chance(0.1))
            {
                return;
            }

            string? contentType = preferred ?? random.Weighted<string?>(
            [
                (55, "application/json"), (20, null), (4, "text/plain"), (4, "application/x-www-form-urlencoded"),
                (2, "multipart/form-data; boundary=xyz"), (2, "application/json; charset=utf-16"), (1, "application/json; charset=\""),
                (1, ";;;="), (1, "application/octet-stream"), (1, "application/x-www-form-urlencoded; charset=latin1"),
                (1, "APPLICATION/JSON"), (0.5, "text/html; charset=" + new string('x', 3000)), (0.5, ""),
            ]);
            if (contentType is not null)
            {
                headers.Add(("Content-Type: ", Ascii(contentType)));
                _notes.Add("CT " + Shorten(contentType));
            }
        }

        private void AddExtras(List<(string Name, byte[] Value)> headers)
        {
            (string Name, string Value)[] extras =
            [
                ("X-Vault-Request", "true"), ("X-Vault-Wrap-TTL", random.Pick(["5m", "garbage", "-1"])), ("X-Vault-Namespace", random.Pick(["ns1/", "", "../"])),
                ("X-Vault-Policy-Override", "true"), ("X-Forwarded-For", random.Pick(["1.2.3.4", "garbage", "::1, 999.1.1.1"])),
                ("Accept-Encoding", "gzip, br"), ("Content-Encoding", random.Pick(["gzip", "br", "garbage"])), ("Expect", "100-continue"),
                ("Upgrade", random.Pick(["websocket", "h2c"])), ("Range", "bytes=0-1"), ("If-None-Match", "*"), ("Cookie", "a=" + new string('c', random.Length(3000))),
                ("Origin", "http://evil.example"), ("Accept", random.Pick(["*/*", "text/html", "application/xml", ""])), ("X-Http-Method-Override", "DELETE"),
                ("Content-Range", "bytes 0-1/2"), ("Trailer", "X-Foo"),
            ];
            foreach (var (name, value) in extras)
            {
                if (random.Chance(name == "X-Vault-Request" ? 0.3 : 0.025))
                {
                    headers.Add((name + ": ", Ascii(value)));
                    if (name != "X-Vault-Request")
                    {
                        _notes.Add($"{name}: {Shorten(value)}");
                    }
                }
            }
        }

        private void AddConnection(List<(string Name, byte[] Value)> headers)
        {
            var roll = random.Next(100);
            if (roll < 88)
            {
                headers.Add(("Connection: ", Ascii("close")));
            }
            else if (roll < 95)
            {
                headers.Add(("Connection: ", Ascii(random.Pick(["keep-alive", "Upgrade", "close, keep-alive", "garbage"]))));
                _notes.Add("Connection not close");
            }
            else
            {
                _notes.Add("no Connection");
            }
        }

        // After the headers: one malformed header line, or too many, or one too big.
        private void AddHeaderAnomaly(List<byte[]> request)
        {
            if (!random.Chance(0.08))
            {
                return;
            }

            var (note, line) = random.Next(10) switch
            {
                0 => ("huge header", Ascii($"X-Huge: {new string('h', random.Pick([9000, 33000, 70000]))}\r\n")),
                1 => ("150 headers", Ascii(string.Concat(Enumerable.Range(0, 150).Select(i => $"X-H{i.ToString(CultureInfo.InvariantCulture)}: v\r\n")))),
                2 => ("header without colon", Ascii("NoColonHere\r\n")),
                3 => ("space before colon", Ascii("X-Foo : bar\r\n")),
                4 => ("obs-fold", Ascii("X-Foo: bar\r\n continued\r\n")),
                5 => ("bad header name", Ascii("X-F(o)o: bar\r\n")),
                6 => ("empty header name", Ascii(": bar\r\n")),
                7 => ("NUL in header", Concat([Ascii("X-Foo: a"), [0], Ascii("b\r\n")])),
                8 => ("non-ASCII header value", Concat([Ascii("X-Foo: "), Encoding.UTF8.GetBytes("ünï\U0001F600"), Ascii("\r\n")])),
                _ => ("bare LF header", Ascii("X-Foo: bar\n")),
            };
            _notes.Add(note);
            request.Add(line);
        }

        private (byte[]? Body, string? ContentType) Body(PathChoice choice)
        {
            var (note, body, contentType) = random.Weighted<Func<(string, byte[], string?)>>(
            [
                (32, () => ("valid JSON", Json(WithoutNulls(choice.Body?.Invoke() ?? RandomObject())), null)),
                (12, () => ("random JSON", Json(RandomJson(4)), null)),
                (8, () => ("invalid JSON", InvalidJson(choice), null)),
                (4, () => ("duplicate keys", DuplicateKeys(), null)),
                (4, () => DeepNesting()),
                (2, () => Huge()),
                (4, () => LoneSurrogate()),
                (3, () => ("odd numbers", Ascii("{\"value\":" + random.Pick(["1e999999", "-0", "1.7976931348623157e309", "123456789012345678901234567890", "NaN", "Infinity", "0x10", "01"]) + "}"), null)),
                (4, () => ("binary", random.Bytes(random.Length(64 * 1024)), null)),
                (5, () => Form()),
                (8, () => ("empty", [], null)),
                (4, () => ("scalar " + Shorten(random.Pick(["null", "   ", "{}", "[]", "\"str\"", "true", "0"])), Ascii(random.Pick(["null", "   ", "{}", "[]", "\"str\"", "true", "0"])), null)),
                (2, () => Encoded()),
                (1, () => ("NUL in JSON", Concat([Ascii("{\"value\":\"a"), [0], Ascii("b\"}")]), null)),
                (0.15, () => ("oversized body (33 MiB)", Oversized(), null)),
            ])();
            _notes.Add("body " + note + (body.Length > 1000 ? $" ({body.Length.ToString(CultureInfo.InvariantCulture)} bytes)" : ""));
            return (body, contentType);
        }

        private byte[] InvalidJson(PathChoice choice)
        {
            var valid = Json(choice.Body?.Invoke() ?? RandomObject());
            return random.Next(7) switch
            {
                0 => valid[..random.Next(Math.Max(1, valid.Length))],
                1 => Ascii("{\"value\": \"bar\",}"),
                2 => Ascii("{'value': 'bar'}"),
                3 => Ascii("{\"value\": \"bar\" /* comment */}"),
                4 => Concat([valid, Ascii(random.Pick(["x", "}", "{}", ",", "\u0000"]))]),
                5 => Mutate(valid),
                _ => Ascii(random.Pick(["{\"value\"}", "{\"a\":}", "{:1}", "{\"a\" 1}", "[1,]", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "\"unterminated"])),
            };
        }

        private byte[] Mutate(byte[] valid)
        {
            var bytes = new List<byte>(valid);
            for (var i = random.Next(1, 5); i > 0 && bytes.Count > 0; i--)
            {
                var at = random.Next(bytes.Count);
                switch (random.Next(3))
                {
                    case 0:
                        bytes[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        bytes.RemoveAt(at);
                        break;
                    default:
                        bytes.Insert(at, (byte)"{}[]\",:\\"[random.Next(8)]);
                        break;
                }
            }

            return [.. bytes];
        }

        private byte[] DuplicateKeys() => Ascii(random.Next(4) switch
        {
            0 => "{\"value\":\"a\",\"value\":\"b\"}",
            1 => "{\"a\":{\"x\":1,\"x\":2}}",
            2 => "{\"a\":[{\"k\":1,\"k\":1}]}",
            _ => "{\"value\":\"a\",\"VALUE\":\"b\",\"value\":null}",
        });

        private (string, byte[], string?) DeepNesting()
        {
            var depth = random.Pick([65, 1000, 10_000, 100_000]);
            var kind = random.Next(4);
            var body = kind switch
            {
                0 => new string('[', depth),
                1 => new string('[', depth) + new string(']', depth),
                2 => "{\"value\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth + 1),
                _ => "{\"value\":" + new string('[', depth) + new string(']', depth) + "}",
            };
            return ($"deep nesting ({depth.ToString(CultureInfo.InvariantCulture)}, {(kind == 0 ? "unclosed [" : kind == 2 ? "objects" : "arrays")})", Ascii(body), null);
        }

        private (string, byte[], string?) Huge()
        {
            var size = random.Pick([1, 2, 4]) * 1024 * 1024;
            return random.Next(4) switch
            {
                0 => ($"huge string ({size / 1024 / 1024} MiB)", Ascii("{\"value\":\"" + new string('a', size) + "\"}"), null),
                1 => ("huge key", Ascii("{\"" + new string('k', size) + "\":1}"), null),
                2 => ("many keys (50000)", Ascii("{" + string.Join(',', Enumerable.Range(0, 50_000).Select(i => $"\"k{i.ToString(CultureInfo.InvariantCulture)}\":{i.ToString(CultureInfo.InvariantCulture)}")) + "}"), null),
                _ => ("huge escaped string", Ascii("{\"value\":\"" + string.Concat(Enumerable.Repeat("\\u00e9\\n", size / 12)) + "\"}"), null),
            };
        }

        private (string, byte[], string?) LoneSurrogate() => random.Next(5) switch
        {
            0 => ("lone surrogate \\ud800", Ascii("{\"value\":\"a\\ud800b\"}"), null),
            1 => ("lone surrogate \\udfff in a key", Ascii("{\"\\udfff\":\"x\"}"), null),
            2 => ("reversed surrogate pair", Ascii("{\"value\":\"\\udc00\\ud800\"}"), null),
            3 => ("raw UTF-8 surrogate bytes", Concat([Ascii("{\"value\":\""), [0xed, 0xa0, 0x80], Ascii("\"}")]), null),
            _ => ("invalid UTF-8 in a string", Concat([Ascii("{\"value\":\""), [0xff, 0xfe, 0xc0, 0xaf], Ascii("\"}")]), null),
        };

        private (string, byte[], string?) Form() => random.Next(4) switch
        {
            0 => ("form", Ascii("value=bar&password=" + Uri.EscapeDataString(target.UserPassword)), "application/x-www-form-urlencoded"),
            1 => ("form with bad escapes", Ascii("value=%zz&x=%&x=2&=&&"), "application/x-www-form-urlencoded"),
            2 => ("form, huge", Ascii("value=" + new string('f', random.Length(2 * 1024 * 1024))), "application/x-www-form-urlencoded"),
            _ => ("form under the JSON type", Ascii("value=bar"), "application/json"),
        };

        private (string, byte[], string?) Encoded() => random.Next(3) switch
        {
            0 => ("JSON after a UTF-8 BOM", Concat([[0xef, 0xbb, 0xbf], Ascii("{\"value\":\"bar\"}")]), null),
            1 => ("JSON in UTF-16", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("{\"value\":\"bar\"}")).ToArray(), "application/json; charset=utf-16"),
            _ => ("JSON in UTF-32", Encoding.UTF32.GetBytes("{\"value\":\"bar\"}"), null),
        };

        private static byte[] Oversized()
        {
            var body = new byte[MaxRequestBodyBytes + (1024 * 1024)];
            body.AsSpan().Fill((byte)'a');
            "{\"value\":\""u8.CopyTo(body);
            "\"}"u8.CopyTo(body.AsSpan(body.Length - 2));
            return body;
        }

        // The body with its framing headers added to the list; returns the bytes after the blank line.
        private byte[] Framing(List<(string Name, byte[] Value)> headers, byte[]? body, string method, string path)
        {
            if (body is null)
            {
                var roll = random.Next(100);
                if (roll < 90)
                {
                    if (method is "PUT" or "POST" && random.Chance(0.5))
                    {
                        headers.Add(("Content-Length: ", Ascii("0")));
                    }

                    return [];
                }

                if (roll < 94)
                {
                    headers.Add(("Transfer-Encoding: ", Ascii("chunked")));
                    _notes.Add("chunked, no data");
                    return Ascii("0\r\n\r\n");
                }

                var length = random.Pick(["abc", "-1", "1, 2", "+0", "99999999999999999999999", " ", "0x0"]);
                headers.Add(("Content-Length: ", Ascii(length)));
                _notes.Add($"Content-Length '{length}' without a body");
                return [];
            }

            var framing = random.Weighted<string>(
            [
                (72, "exact"), (9, "chunked"), (7, "bad chunked"), (4, "short"), (3, "no length"), (3, "bad length"), (2, "both"),
                (method is "PUT" or "POST" && path != "sys/health" ? 0.4 : 0, "declared huge"),
            ]);
            switch (framing)
            {
                case "exact":
                    headers.Add(("Content-Length: ", Ascii(body.Length.ToString(CultureInfo.InvariantCulture))));
                    return body;
                case "chunked":
                    headers.Add(("Transfer-Encoding: ", Ascii(random.Pick(["chunked", "chunked", "Chunked", "gzip, chunked"]))));
                    _notes.Add("chunked");
                    return Chunked(body, bad: null);
                case "bad chunked":
                    var bad = random.Pick(BadChunks);
                    headers.Add(("Transfer-Encoding: ", Ascii(bad == "twice" ? "chunked, chunked" : "chunked")));
                    _notes.Add("bad chunked: " + bad);
                    return Chunked(body, bad);
                case "short":
                    var shorter = random.Next(Math.Max(1, body.Length));
                    headers.Add(("Content-Length: ", Ascii(shorter.ToString(CultureInfo.InvariantCulture))));
                    _notes.Add($"Content-Length {shorter.ToString(CultureInfo.InvariantCulture)} of {body.Length.ToString(CultureInfo.InvariantCulture)}");
                    return body;
                case "no length":
                    _notes.Add("body without Content-Length");
                    return body;
                case "bad length":
                    var length = random.Pick(["abc", "-1", $"{body.Length}, {body.Length + 1}", $"+{body.Length}", "99999999999999999999999", $"{body.Length} ", $"0{body.Length}"]);
                    headers.Add(("Content-Length: ", Ascii(length)));
                    if (random.Chance(0.3))
                    {
                        headers.Add(("Content-Length: ", Ascii(body.Length.ToString(CultureInfo.InvariantCulture))));
                        length += " and a second one";
                    }

                    _notes.Add($"Content-Length '{length}'");
                    return body;
                case "both":
                    headers.Add(("Content-Length: ", Ascii(body.Length.ToString(CultureInfo.InvariantCulture))));
                    headers.Add(("Transfer-Encoding: ", Ascii("chunked")));
                    _notes.Add("Content-Length and chunked");
                    return Chunked(body, bad: null);
                default:
                    headers.Add(("Content-Length: ", Ascii("1073741824")));
                    _notes.Add($"Content-Length 1 GiB, {body.Length.ToString(CultureInfo.InvariantCulture)} bytes sent");
                    return body;
            }
        }

        private static readonly string[] BadChunks =
        [
            "size ffffffffffffffffff", "size zz", "size -1", "size 0x", "size smaller than data", "no CRLF after data",
            "extension garbage", "not chunked at all", "twice", "trailer garbage", "size with spaces",
        ];

        private byte[] Chunked(byte[] body, string? bad)
        {
            var parts = new List<byte[]>();
            if (bad == "not chunked at all")
            {
                return Concat([body, Ascii("\r\n0\r\n\r\n")]);
            }

            var offset = 0;
            var first = true;
            while (offset < body.Length)
            {
                var size = Math.Min(body.Length - offset, random.Chance(0.5) ? body.Length : random.Next(1, 4096));
                var sizeText = random.Chance(0.3) ? size.ToString("X", CultureInfo.InvariantCulture) : size.ToString("x", CultureInfo.InvariantCulture);
                var chunk = body.AsSpan(offset, size).ToArray();
                if (first && bad is not null)
                {
                    (sizeText, chunk) = bad switch
                    {
                        "size ffffffffffffffffff" => ("ffffffffffffffffff", chunk),
                        "size zz" => ("zz", chunk),
                        "size -1" => ("-1", chunk),
                        "size 0x" => ("0x" + sizeText, chunk),
                        "size smaller than data" when size > 1 => ((size / 2).ToString("x", CultureInfo.InvariantCulture), chunk),
                        "no CRLF after data" => (sizeText, chunk[..^1].Concat(Ascii("X")).ToArray()),
                        "extension garbage" => (sizeText + ";\u0001=\"", chunk),
                        "size with spaces" => (" " + sizeText + " ", chunk),
                        _ => (sizeText, chunk),
                    };
                }
                else if (random.Chance(0.05))
                {
                    sizeText += ";name=value";
                }

                parts.Add(Ascii(sizeText + "\r\n"));
                parts.Add(chunk);
                parts.Add(Ascii(bad == "no CRLF after data" && first ? "" : "\r\n"));
                offset += size;
                first = false;
            }

            parts.Add(Ascii(bad == "trailer garbage" ? "0\r\nnot a trailer\r\n\r\n" : random.Chance(0.1) ? "0\r\nX-Trailer: 1\r\n\r\n" : "0\r\n\r\n"));
            return Concat(parts);
        }

        // The bodies above leave out a field by setting it to null; a valid body has no such field at all.
        private static JsonNode? WithoutNulls(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                foreach (var name in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
                {
                    o.Remove(name);
                }
            }

            return node;
        }

        private static byte[] Json(JsonNode? node) => Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null");

        private static string Shorten(string text) => text.Length > 120 ? text[..100] + $"…({text.Length.ToString(CultureInfo.InvariantCulture)} chars)" : text;
    }

    private static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    private static byte[] Concat(IEnumerable<byte[]> parts)
    {
        var list = parts as IReadOnlyCollection<byte[]> ?? [.. parts];
        var result = new byte[list.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in list)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }
}
