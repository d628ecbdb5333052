using System.Text;

namespace PluginHost.Tests.Shared.Fuzzing;

/// <summary>What the CLI generator aims at.</summary>
/// <param name="ServerAddress">A running fuzz server, for client mode (<c>PLUGIN_HOST_ADDR</c>).</param>
/// <param name="ClientToken">A token with the root policy on it (a child of root: revoking it loses nothing else).</param>
/// <param name="UserToken">The userpass user's token.</param>
/// <param name="ServerDataDirectory">The server's data directory, locked while it runs.</param>
/// <param name="MockSha256">The mock plugin's digest.</param>
internal sealed record CliFuzzTarget(string ServerAddress, string ClientToken, string UserToken, string ServerDataDirectory, string MockSha256)
{
    public IReadOnlyDictionary<string, string> Secrets => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ClientToken] = "<client-token>",
        [UserToken] = "<user-token>",
    };
}

/// <summary>One generated invocation of plugin-host.</summary>
/// <param name="Index">Its number: with the seed, the same invocation again.</param>
/// <param name="Args">The arguments after the program name.</param>
/// <param name="Environment">Variables set for it (beyond HOME and TMPDIR, which are the sandbox's).</param>
/// <param name="Files">Files written into the sandbox before it runs (config files), by name.</param>
/// <param name="Stdin">What its standard input holds (then closed).</param>
/// <param name="StartsServer">A <c>server</c> invocation that may start listening: stopped with SIGTERM once it does.</param>
/// <param name="Summary">What was chosen, in words.</param>
internal sealed record CliFuzzCase(
    int Index,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, byte[]> Files,
    byte[] Stdin,
    bool StartsServer,
    string Summary)
{
    /// <summary>The invocation as a shell line, values escaped and cut, tokens as placeholders.</summary>
    public string CommandLine(IReadOnlyDictionary<string, string>? secrets = null)
    {
        var parts = Environment.Select(e => $"{e.Key}={Quote(e.Value)}").Concat(["plugin-host"]).Concat(Args.Select(Quote));
        var line = string.Join(' ', parts);
        foreach (var (secret, placeholder) in secrets ?? new Dictionary<string, string>())
        {
            line = line.Replace(secret, placeholder, StringComparison.Ordinal);
        }

        var files = string.Concat(Files.Select(f => $"\n    file {f.Key}: {Printable.Of(f.Value, null, 300)}"));
        var stdin = Stdin.Length > 0 ? $"\n    stdin: {Printable.Of(Stdin, null, 200)}" : "";
        return line + files + stdin;
    }

    private static string Quote(string value) => "'" + Printable.Of(value.Replace("'", "'\\''", StringComparison.Ordinal), 200) + "'";
}

/// <summary>
/// A seeded generator of plugin-host invocations: every command with flags given garbage values, unknown commands and
/// flags, misplaced flags, huge values (at most 100,000 bytes an argument: the kernel's limit is 128 KiB), control
/// characters, <c>@file</c> and stdin data; config files mutated (unknown keys, bad values, broken syntax, binary,
/// UTF-16, JSON, huge) and found by <c>-config</c>, <c>PLUGIN_HOST_CONFIG</c> or <c>./plugin-host.hcl</c>; environment
/// variables with junk; client mode against a running server; and <c>server</c> starts from mutated configs and flags.
/// </summary>
/// <remarks>
/// Every path it names is in the sandbox, or a place that cannot be used (<c>/proc/…</c>, <c>/dev/null</c>), so no
/// invocation writes outside the sandbox; it never names a device that reads forever (<c>/dev/zero</c>) or a host
/// name that needs DNS.
/// </remarks>
internal sealed class CliFuzzGenerator(int seed, CliFuzzTarget target)
{
    /// <summary>The files the sandbox holds for <c>@file</c>, <c>policy write</c> and <c>policy fmt</c> to use.</summary>
    public static IReadOnlyDictionary<string, byte[]> FixtureFiles { get; } = new Dictionary<string, byte[]>(StringComparer.Ordinal)
    {
        ["a-file"] = [],
        ["policy-good.hcl"] = Encoding.UTF8.GetBytes("path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n"),
        ["policy-bad.hcl"] = Encoding.UTF8.GetBytes("path \"/\" { capabilities = [\"banana\"] }\n"),
        ["bin.dat"] = [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) % 256))],
        ["huge.txt"] = Encoding.ASCII.GetBytes(new string('x', 1024 * 1024)),
        ["utf16.json"] = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("{\"value\":\"bar\"}")],
        ["merge.json"] = Encoding.UTF8.GetBytes("{\"value\":\"bar\",\"n\":1}"),
        ["empty"] = [],
    };

    /// <summary>Invocation <paramref name="index"/> of this generator's seed.</summary>
    public CliFuzzCase Generate(int index) => new Composer(new FuzzRandom(seed, index, stream: 1), target, index).Compose();

    private sealed class Composer(FuzzRandom random, CliFuzzTarget target, int index)
    {
        private readonly List<string> _notes = [];
        private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
        private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
        private byte[] _stdin = [];

        public CliFuzzCase Compose()
        {
            var mode = random.Weighted<string>([(48, "embedded"), (15, "config"), (22, "client"), (9, "server"), (6, "bare")]);
            _notes.Add(mode);
            List<string> args;
            var startsServer = false;
            switch (mode)
            {
                case "server":
                    args = Server();
                    startsServer = true;
                    break;
                case "bare":
                    args = Bare();
                    break;
                case "client":
                    Client();
                    args = Command();
                    break;
                default:
                    args = Command();
                    PlaceConfig(args, Config(server: false, mutate: mode == "config" || random.Chance(0.15)));
                    break;
            }

            if (random.Chance(0.35))
            {
                MutateArguments(args);
            }

            if (random.Chance(0.2))
            {
                MutateEnvironment();
            }

            if (_stdin.Length == 0 && random.Chance(0.15))
            {
                _stdin = random.Pick<byte[]>([Encoding.UTF8.GetBytes("s3cret\n"), Encoding.UTF8.GetBytes("{\"value\":\"bar\"}"), random.Bytes(random.Length(60_000)), Encoding.UTF8.GetBytes(target.ClientToken + "\n")]);
                _notes.Add("stdin");
            }

            return new CliFuzzCase(index, args, _environment, _files, _stdin, startsServer, string.Join(" · ", _notes));
        }

        private List<string> Command()
        {
            var (words, flags, positional) = random.Pick(Commands);
            var args = new List<string>(words);
            foreach (var flag in flags)
            {
                // Flags a command needs (plugin register's -sha256) are given more often, so the run gets past them.
                if (random.Chance(flag == "sha256" ? 0.85 : 0.3))
                {
                    args.Add(Flag(flag));
                }
            }

            args.AddRange(positional(this));
            return args;
        }

        private static readonly (string[] Words, string[] Flags, Func<Composer, IEnumerable<string>> Positional)[] Commands =
        [
            (["read"], ["field", "format"], c => [c.DataPath(), .. c.Pairs(0, 2)]),
            (["write"], ["f", "field", "format"], c => [c.DataPath(), .. c.Pairs(0, 3)]),
            (["list"], ["format"], c => [c.DataPath()]),
            (["delete"], [], c => [c.DataPath(), .. c.Pairs(0, 1)]),
            (["secrets", "enable"], ["path", "description", "default-lease-ttl", "max-lease-ttl", "plugin-version", "options"], c => [c.Pick("kv", "my-mock-plugin", "my-userpass-plugin", "nope", "")]),
            (["secrets", "disable"], [], c => [c.Pick("fuzz-x", "secret", "nope", "", "sys", "../x")]),
            (["secrets", "list"], ["detailed", "format"], _ => []),
            (["secrets", "move"], [], c => [c.Pick("fuzz-x", "nope", "", "sys"), c.Pick("fuzz-y", "secret", "", "auth/x")]),
            (["secrets", "tune"], ["default-lease-ttl", "max-lease-ttl", "description", "options", "plugin-version"], c => [c.Pick("secret", "my-secrets-plugin", "nope", "")]),
            (["auth", "enable"], ["path", "description", "default-lease-ttl", "max-lease-ttl"], c => [c.Pick("userpass", "my-userpass-plugin", "my-mock-plugin", "token", "")]),
            (["auth", "disable"], [], c => [c.Pick("fuzz-auth", "token", "nope", "")]),
            (["auth", "list"], ["detailed", "format"], _ => []),
            (["plugin", "register"], ["sha256", "command", "args", "env", "version", "memory-limit", "max-processes", "max-open-files"], c => [c.Pick("secret", "auth", "database", ""), c.Pick("fuzz-plugin", "my-mock-plugin-2", "../x", "")]),
            (["plugin", "deregister"], ["version"], c => [c.Pick("secret", "auth", ""), c.Pick("fuzz-plugin", "nope", "")]),
            (["plugin", "list"], ["detailed", "format"], c => c.Chance(0.5) ? [c.Pick("secret", "auth", "x")] : []),
            (["plugin", "info"], ["version", "field", "format"], c => [c.Pick("secret", "auth", ""), c.Pick("my-mock-plugin", "kv", "nope", "")]),
            (["plugin", "reload"], ["plugin", "type", "mounts"], _ => []),
            (["policy", "list"], ["format"], _ => []),
            (["policy", "read"], ["format"], c => [c.PolicyName()]),
            (["policy", "write"], [], c => [c.PolicyName(), c.PolicyFile()]),
            (["policy", "delete"], [], c => [c.PolicyName()]),
            (["policy", "fmt"], [], c => [c.PolicyFile()]),
            (["token", "create"], ["policy", "ttl", "explicit-max-ttl", "display-name", "no-default-policy", "orphan", "renewable", "metadata", "id", "field", "format"], _ => []),
            (["token", "lookup"], ["accessor", "format"], c => c.Chance(0.5) ? [c.Token()] : []),
            (["token", "renew"], ["accessor", "increment", "fail-if-not-fulfilled", "format"], c => c.Chance(0.5) ? [c.Token()] : []),
            (["token", "revoke"], ["accessor"], c => [c.Pick("junk", "", "hvs.nope")]),
            (["token", "capabilities"], ["accessor", "format"], c => c.Chance(0.5) ? [c.Token(), c.DataPath()] : [c.DataPath()]),
            (["login"], ["method", "path", "no-store", "no-print", "token-only", "field", "format"], c => c.Login()),
            (["audit", "enable"], ["path", "description", "local"], c => [c.Pick("file", "syslog", ""), .. c.AuditOptions()]),
            (["audit", "disable"], [], c => [c.Pick("file", "nope", "")]),
            (["audit", "list"], ["detailed", "format"], _ => []),
            (["version"], [], _ => []),
            (["secrets"], [], _ => []),
            (["token"], [], _ => []),
        ];

        private string Pick(params string[] items) => random.Pick(items);

        private bool Chance(double probability) => random.Chance(probability);

        private string DataPath() => random.Weighted<string>(
        [
            (4, "secret/k1"), (4, "my-secrets-plugin/kv/k1"), (2, "sys/mounts"), (2, "auth/userpass/users/fuzzer"), (1, "secret/"), (1, ""),
            (1, "../x"), (1, "sys/health"), (1, "nomount/x"), (1, "sys/plugins/catalog/secret/my-mock-plugin"), (1, "auth/token/lookup-self"), (1, Text()),
        ]);

        private IEnumerable<string> Pairs(int min, int max)
        {
            for (var i = random.Next(min, max + 1); i > 0; i--)
            {
                var pair = random.Pick(
                [
                    "value=bar", "value=@bin.dat", "value=@nonexistent", "value=@dir", "value=-", "-", "@merge.json", "@bin.dat", "x", "=v", "k=",
                    "value=@/dev/null", "value=\\@x", "value=@huge.txt", "value=@utf16.json", "@utf16.json", "value=" + Text(), "password=s3cret",
                ]);
                if (pair.Contains('-', StringComparison.Ordinal) && pair.EndsWith('-') && _stdin.Length == 0)
                {
                    _stdin = random.Pick<byte[]>([Encoding.UTF8.GetBytes("{\"value\":\"from stdin\"}"), random.Bytes(random.Length(4096)), []]);
                }

                yield return pair;
            }
        }

        private string PolicyName() => random.Pick(["fuzz-p", "default", "root", "", "a/b", Text()]);

        private string PolicyFile() => random.Pick(["policy-good.hcl", "policy-bad.hcl", "bin.dat", "empty", "nonexistent", "dir", "-", "utf16.json", "huge.txt", "merge.json"]);

        private string Token() => random.Pick([target.ClientToken, target.UserToken, "junk", "", "hvs." + new string('a', 24)]);

        private IEnumerable<string> Login() => random.Next(3) switch
        {
            0 => [Token()],
            1 => ["username=fuzzer", random.Pick(["password=fuzz-password", "password=wrong", "password="])],
            _ => random.Chance(0.5) ? [] : ["-"],
        };

        private IEnumerable<string> AuditOptions() =>
            Enumerable.Range(0, random.Next(3)).Select(_ => random.Pick(["file_path=audit.log", "file_path=discard", "file_path=/proc/plugin-host-fuzz/a.log", "file_path=", "mode=777", "x", "format=jsonx", "log_raw=maybe"]));

        private string Flag(string name)
        {
            var value = name switch
            {
                "format" => random.Pick(["json", "table", "yaml", "", "JSON"]),
                "field" => random.Pick(["value", "token", "", "nope", "a.b"]),
                "path" => random.Pick(["fuzz-x", "fuzz-auth", "my-secrets-plugin", "secret", "", "../x", "a/b/", "sys", "auth/x"]),
                "default-lease-ttl" or "max-lease-ttl" or "ttl" or "explicit-max-ttl" or "increment" => random.Pick(["1h", "-1s", "1e9h", "forever", "", "0", "99999999999999h"]),
                "plugin-version" or "version" => random.Pick(["v1.0.0", "", "x"]),
                "options" or "metadata" => random.Pick(["version=2", "k", "=v", "a=b=c", ""]),
                "sha256" => random.Pick([target.MockSha256, "zz", "", new string('0', 64)]),
                "command" => random.Pick(["my-mock-plugin", "../../bin/sh", "", "my-userpass-plugin"]),
                "args" => random.Pick(["-x", ""]),
                "env" => random.Pick(["A=B", "LD_PRELOAD=/x.so", "=", "NOEQ"]),
                "memory-limit" => random.Pick(["256MiB", "-1", "1e99", "16MiB", "0", "99999999999999999999", "1GiB"]),
                "max-processes" or "max-open-files" => random.Pick(["0", "1", "64", "-5", "x", "2147483648", "1048577"]),
                "plugin" => random.Pick(["my-mock-plugin", "nope", ""]),
                "type" => random.Pick(["secret", "auth", "x"]),
                "mounts" => random.Pick(["my-secrets-plugin", "a,b", ""]),
                "policy" => random.Pick(["default", "root", "fuzz", ""]),
                "id" => random.Pick(["custom-id", ""]),
                "method" => random.Pick(["token", "userpass", "ldap", ""]),
                "description" or "display-name" => Text(),
                _ => null,
            };
            if (value is null)
            {
                // A boolean flag.
                return random.Weighted<string>([(6, $"-{name}"), (1, $"-{name}=false"), (1, $"-{name}=maybe"), (1, $"--{name}")]);
            }

            return random.Chance(0.9) ? $"-{name}={value}" : $"--{name}={value}";
        }

        private string Text() => random.Weighted<Func<string>>(
        [
            (5, () => random.Pick(["bar", "x", "", "0", "true"])),
            (2, () => random.Text(random.Length(200), "abcdefghijklmnopqrstuvwxyz0123456789 -_./=@")),
            (1, () => random.Text(random.Length(40), "\"\\\n\r\t\u0001\u001b\u007f")),
            (1, () => random.Text(random.Length(40), "äöüßéñ日本語ключ\U0001F600\u200b\ufeff")),
            (0.5, () => random.Text(random.Length(40), "${}%`'<>&;|*?[]")),
        ])();

        private void Client()
        {
            var variable = random.Chance(0.7) ? "PLUGIN_HOST_ADDR" : "VAULT_ADDR";
            var address = random.Chance(0.85) ? target.ServerAddress : random.Pick(
            [
                "http://127.0.0.1:1", "ftp://127.0.0.1", "http://[::1", "127.0.0.1:8200", "http://", "", "http://127.0.0.1:99999",
                "http://user:pass@127.0.0.1:1", "unix:///tmp/x", target.ServerAddress + "/v1", target.ServerAddress + "/%00", " " + target.ServerAddress,
            ]);
            _environment[variable] = address;
            if (address != target.ServerAddress)
            {
                _notes.Add($"{variable} junk");
            }

            var tokenVariable = random.Chance(0.7) ? "PLUGIN_HOST_TOKEN" : "VAULT_TOKEN";
            var token = random.Weighted<string?>(
            [
                (6, target.ClientToken), (2, target.UserToken), (1, null), (1, "junk"), (0.5, ""), (0.5, "hvs.a\nb"), (0.5, "ключ"), (0.3, new string('t', 50_000)),
            ]);
            if (token is not null)
            {
                _environment[tokenVariable] = token;
            }

            _notes.Add(token == target.ClientToken ? "client token" : token == target.UserToken ? "user token" : token is null ? "no token" : "junk token");
        }

        private List<string> Bare() => random.Next(8) switch
        {
            0 => [random.Pick(["frobnicate", "reed", "", "-", "--", "SECRETS", "server2", "help"])],
            1 => [],
            2 => [random.Pick(["-h", "--help", "-help", "-v", "--version", "-version"])],
            3 => ["-format=json", random.Pick(["read", "secrets", "version"]), "secret/x"],
            4 => [new string('c', random.Pick([1000, 100_000]))],
            5 => [random.Pick(["secrets", "auth", "plugin", "policy", "token", "audit"]), random.Pick(["nope", "-h", "", "list-all"])],
            6 => [Text(), Text()],
            _ => ["version", "-x", "extra", new string('v', 50_000)],
        };

        // server -config=FILE (a mutated config that listens on a free port) or server -dev with mutated flags.
        private List<string> Server()
        {
            if (random.Chance(0.6))
            {
                var config = Config(server: true, mutate: random.Chance(0.6));
                var args = new List<string> { "server" };
                PlaceConfig(args, config);
                return args;
            }

            _notes.Add("dev");
            var dev = new List<string> { "server", "-dev" };
            dev.Add("-dev-listen-address=" + (random.Chance(0.7) ? "127.0.0.1:0" : Address()));
            if (random.Chance(0.4))
            {
                dev.Add("-dev-root-token-id=" + random.Pick(["root", "", "a b", "x\ny", new string('r', 100_000), "ключ"]));
            }

            if (random.Chance(0.4))
            {
                dev.Add("-dev-plugin-dir=" + random.Pick(["plugins", "a-file", "nonexistent", "", "/proc/x", "dir"]));
            }

            if (random.Chance(0.1))
            {
                dev.Add(random.Pick(["-dev=false", "-config=plugin-host.hcl", "extra"]));
            }

            return dev;
        }

        private string Address() => random.Pick(
        [
            "127.0.0.1:0", "[::1]:0", "localhost:0", "0.0.0.0:0", "127.0.0.1:99999", "garbage", "", "127.0.0.1", ":0", "[::1", "192.0.2.1:8200",
            "127.0.0.1:-1", "garbage:80", "127.0.0.1:0:0", "http://127.0.0.1:0", new string('a', 100_000) + ":0",
        ]);

        // Puts the config where a run finds it: ./plugin-host.hcl, -config=FILE or PLUGIN_HOST_CONFIG; sometimes points at
        // something that is not a config file at all.
        private void PlaceConfig(List<string> args, byte[] config)
        {
            var roll = random.Next(100);
            if (roll < 70)
            {
                _files["plugin-host.hcl"] = config;
                return;
            }

            if (roll < 95)
            {
                _files["fuzz.hcl"] = config;
                if (roll < 85)
                {
                    InsertFlag(args, "-config=fuzz.hcl");
                    _notes.Add("-config=fuzz.hcl");
                }
                else
                {
                    _environment["PLUGIN_HOST_CONFIG"] = "fuzz.hcl";
                    _notes.Add("PLUGIN_HOST_CONFIG=fuzz.hcl");
                }

                return;
            }

            _files["plugin-host.hcl"] = config;
            var other = random.Pick(["nonexistent.hcl", "dir", "/dev/null", "", "/proc/self/status", "bin.dat"]);
            if (random.Chance(0.7))
            {
                InsertFlag(args, "-config=" + other);
                _notes.Add("-config=" + other);
            }
            else
            {
                _environment["PLUGIN_HOST_CONFIG"] = other;
                _notes.Add("PLUGIN_HOST_CONFIG=" + other);
            }
        }

        // A flag goes after the command's words (before positional arguments).
        private static void InsertFlag(List<string> args, string flag)
        {
            var at = 0;
            while (at < args.Count && at < 2 && args[at].Length > 0 && char.IsAsciiLetterLower(args[at][0]) && !args[at].Contains('/', StringComparison.Ordinal) && !args[at].Contains('=', StringComparison.Ordinal))
            {
                at++;
            }

            args.Insert(Math.Min(at, args.Count), flag);
        }

        private byte[] Config(bool server, bool mutate)
        {
            var lines = new List<string> { "plugin_directory = \"plugins\"", server ? "data_directory   = \"srv-data\"" : "data_directory   = \"data\"" };
            if (random.Chance(0.3))
            {
                lines.Add($"log_level = \"{random.Pick(["warn", "info", "debug", "error", "off", "trace"])}\"");
            }

            if (server)
            {
                lines.Add(random.Chance(0.5) ? "listener \"tcp\" {\n  address = \"127.0.0.1:0\"\n}" : "address = \"127.0.0.1:0\"");
            }

            if (!mutate)
            {
                return Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
            }

            var steps = random.Next(1, 4);
            byte[]? whole = null;
            for (var i = 0; i < steps; i++)
            {
                var (note, change) = random.Weighted<(string, Func<List<string>, byte[]?>)>(
                [
                    (3, ("unknown key", l => Insert(l, random.Pick(["foo = \"bar\"", "plugin-directory = \"x\"", "ui = true", "storage \"file\" {\n  path = \"x\"\n}", "disable_mlock = true"])))),
                    (2, ("duplicate key", l => Insert(l, l[random.Next(l.Count)]))),
                    (6, ("bad value", l => Replace(l, BadSetting(server)))),
                    (4, ("broken syntax", l => Insert(l, random.Pick(BrokenLines)))),
                    (1, ("CRLF", l => Encoding.UTF8.GetBytes(string.Join("\r\n", l) + "\r\n"))),
                    (1, ("BOM", l => [0xef, 0xbb, 0xbf, .. Encoding.UTF8.GetBytes(string.Join('\n', l))])),
                    (1, ("UTF-16", l => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(string.Join('\n', l))])),
                    (1, ("NUL bytes", l => [.. Encoding.UTF8.GetBytes(string.Join('\n', l)), 0, 0, .. Encoding.UTF8.GetBytes("\nlog_level = \"info\"\0\n")])),
                    (1, ("binary", _ => random.Bytes(random.Length(8192)))),
                    (1, ("latin-1 bytes", l => [.. Encoding.UTF8.GetBytes(string.Join('\n', l)), 0xe9, 0xff, (byte)'\n'])),
                    (3, ("JSON", _ => Encoding.UTF8.GetBytes(JsonConfig(server)))),
                    (1, ("huge line", l => Insert(l, $"log_level = \"{new string('l', 100_000)}\""))),
                    (0.5, ("100000 comment lines", l => Encoding.UTF8.GetBytes(string.Join('\n', l) + "\n" + string.Concat(Enumerable.Repeat("# comment\n", 100_000))))),
                    (1, ("empty or blank", _ => Encoding.UTF8.GetBytes(random.Pick(["", "   \n\n", "# only a comment\n", "\t"])))),
                    (server ? 0 : 0.7, ("the server's locked data directory", l => Locked(l))),
                    (server ? 4 : 1, ("listener keys", l => Listener(l))),
                ]);
                _notes.Add("config: " + note);
                whole = change(lines);
                if (whole is not null)
                {
                    break;
                }
            }

            return whole ?? Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        }

        // Vault's listener "tcp" block with its TLS and limit keys given odd values (the address stays a free port).
        private byte[]? Listener(List<string> lines)
        {
            lines.RemoveAll(l => l.StartsWith("address", StringComparison.Ordinal) || l.StartsWith("listener", StringComparison.Ordinal));
            var block = new List<string> { "listener \"tcp\" {", "  address = \"127.0.0.1:0\"" };
            for (var i = random.Next(1, 4); i > 0; i--)
            {
                block.Add("  " + random.Pick(
                [
                    $"tls_disable = \"{random.Pick(["true", "false", "maybe", "1", ""])}\"",
                    $"tls_cert_file = \"{random.Pick(["bin.dat", "nonexistent.pem", "dir", "empty", "/proc/x"])}\"",
                    $"tls_key_file = \"{random.Pick(["bin.dat", "nonexistent.pem", "empty"])}\"",
                    $"tls_min_version = \"{random.Pick(["tls12", "tls13", "tls99", "", "ssl3"])}\"",
                    $"tls_client_ca_file = \"{random.Pick(["empty", "bin.dat", "nonexistent.pem"])}\"",
                    $"tls_require_and_verify_client_cert = \"{random.Pick(["true", "x"])}\"",
                    $"max_request_size = \"{random.Pick(["-1", "0", "1", "1e99", "99999999999999999999", "32MiB", "x"])}\"",
                    $"max_request_duration = \"{random.Pick(["0s", "-1s", "forever", "1ms", "99999999999h"])}\"",
                    $"max_connections = \"{random.Pick(["0", "-1", "1", "x", "99999999999"])}\"",
                    $"max_buffered_request_size = \"{random.Pick(["0", "-1", "1", "x"])}\"",
                ]));
            }

            block.Add("}");
            lines.Add(string.Join('\n', block));
            return null;
        }

        // The running server's data directory, with a lock timeout short enough not to wait the default 10 s.
        private byte[]? Locked(List<string> lines)
        {
            Replace(lines, $"data_directory = \"{target.ServerDataDirectory}\"");
            return Replace(lines, $"lock_timeout = \"{random.Pick(["0s", "200ms"])}\"");
        }

        private static readonly string[] BrokenLines =
        [
            "log_level = \"warn", "log_level = \"\\q\"", "}", "listener \"tcp\" {", "listener \"tcp\" {\nlistener \"tcp\" {\n}\n}", "= \"x\"", "log_level \"x\"",
            "log_level = warn info", "log_level = warn", "log_level = \"warn\" # comment", "log_level = \"warn\" garbage", "listener \"tcp\" { address = \"127.0.0.1:0\" extra }",
            "listener tcp { }", "\"quoted\" = \"key\"", "log_level = \"\"\"", "log_level = 'warn'", "a.b = \"c\"",
        ];

        // Inserts a line and lets the next step go on (returns null).
        private byte[]? Insert(List<string> lines, string line)
        {
            lines.Insert(random.Next(lines.Count + 1), line);
            return null;
        }

        // Replaces the line of the same key, or adds it.
        private static byte[]? Replace(List<string> lines, string line)
        {
            var key = line[..line.IndexOf(' ', StringComparison.Ordinal)];
            var at = lines.FindIndex(l => l.StartsWith(key + " ", StringComparison.Ordinal));
            if (at >= 0)
            {
                lines[at] = line;
            }
            else
            {
                lines.Add(line);
            }

            return null;
        }

        private string BadSetting(bool server) => random.Next(server ? 5 : 4) switch
        {
            0 => $"log_level = \"{random.Pick(["loud", "", "TRACE", "debug", "0", "warn\n"])}\"",
            1 => $"lock_timeout = \"{random.Pick(["-1s", "1e9h", "10", "forever", "", "0s", "99999999999999999999h", "1h1h"])}\"",
            2 => $"plugin_directory = \"{random.Pick(["", "a-file", "nonexistent", "/proc/x", "plugins/../plugins", "/dev/null", "dir"])}\"",
            3 => $"data_directory = \"{random.Pick(["", "a-file", "/proc/x", "/dev/null", "data2", "sub/dir/data", "/sys/x"])}\"",
            _ => $"address = \"{Address().Replace("\"", "", StringComparison.Ordinal)}\"",
        };

        private string JsonConfig(bool server)
        {
            var address = server ? ", \"address\": \"127.0.0.1:0\"" : "";
            var dataDirectory = server ? "srv-data" : "data";
            return random.Next(10) switch
            {
                0 => $"{{\"plugin_directory\": \"plugins\", \"data_directory\": \"{dataDirectory}\"{address}}}",
                1 => $"{{\"plugin_directory\": \"plugins\", \"data_directory\": ",
                2 => $"{{\"plugin_directory\": {{\"nested\": 1}}, \"data_directory\": \"{dataDirectory}\"{address}}}",
                3 => "[\"plugin_directory\", \"plugins\"]",
                4 => $"{{\"data_directory\": \"{dataDirectory}\", \"data_directory\": \"data2\"{address}}}",
                5 => $"{{\"plugin_directory\": \"plugins\", /* comment */ \"data_directory\": \"{dataDirectory}\",{address}}}",
                6 => $"{{\"log_level\": 3, \"lock_timeout\": true, \"data_directory\": \"{dataDirectory}\"{address}}}",
                7 => "{}",
                8 => "{" + new string('[', 10_000),
                _ => $"{{\"plugin_directory\": \"plugins\", \"data_directory\": \"{dataDirectory}\"{address}}} trailing",
            };
        }

        private void MutateArguments(List<string> args)
        {
            var (note, change) = random.Weighted<(string, Action)>(
            [
                (3, ("unknown flag", () => InsertFlag(args, random.Pick(["-nope", "--nope=1", "-x", "-", "---triple", "-=", "-format"])))),
                (2, ("flag after the arguments", () => args.Add(random.Pick(["-format=json", "-detailed", "-path=x", "-h"])))),
                (3, ("huge value", () => ReplaceArgument(args, random.Pick([1000, 10_000, 100_000]), 'x'))),
                (1, ("huge non-ASCII value", () => ReplaceArgument(args, 33_000, 'ж'))),
                (2, ("control characters", () => ReplaceArgument(args, "a\nb\tc\u0001\u001b[31mred"))),
                (2, ("empty argument", () => args.Insert(random.Next(args.Count + 1), ""))),
                (2, ("argument dropped", () => { if (args.Count > 0) { args.RemoveAt(args.Count - 1); } })),
                (2, ("extra arguments", () => args.AddRange(["extra", "more=1"]))),
                (1, ("--", () => args.Insert(random.Next(1, args.Count + 1), "--"))),
                (1, ("-h", () => args.Add(random.Pick(["-h", "--help", "-help"])))),
                (1, ("-format junk", () => args.Add("-format=" + random.Pick(["xml", "", "JSON", new string('f', 50_000)])))),
                (1, ("flag without its value", () => args.Add(random.Pick(["-path", "-field", "-config", "-format", "-sha256"])))),
                (1, ("flags before the command", () => args.Insert(0, random.Pick(["-format=json", "-config=x", "-h"])))),
                (1, ("duplicate flags", () => { InsertFlag(args, "-format=json"); InsertFlag(args, "-format=table"); })),
            ]);
            change();
            _notes.Add(note);
        }

        private void ReplaceArgument(List<string> args, string value)
        {
            if (args.Count == 0)
            {
                args.Add(value);
                return;
            }

            var at = random.Next(args.Count);
            var arg = args[at];
            var eq = arg.StartsWith('-') ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            args[at] = eq >= 0 ? arg[..(eq + 1)] + value : value;
        }

        private void ReplaceArgument(List<string> args, int length, char fill) => ReplaceArgument(args, new string(fill, length - 20));

        private void MutateEnvironment()
        {
            var (name, value) = random.Pick<(string, string)>(
            [
                ("PLUGIN_HOST_FORMAT", random.Pick(["json", "yaml", "", "JSON", "table\n"])),
                ("PLUGIN_HOST_TOKEN", random.Pick(["junk", "", "hvs.a\nb", "ключ", new string('t', 100_000)])),
                ("VAULT_TOKEN", random.Pick(["junk", "\u0001"])),
                ("PLUGIN_HOST_ADDR", random.Pick(["http://127.0.0.1:1", "garbage", "", "http://[::1", target.ServerAddress])),
                ("VAULT_ADDR", random.Pick(["127.0.0.1:8200", "ftp://x"])),
                ("XDG_DATA_HOME", random.Pick(["xdg", "/proc/x", "relative/path", ""])),
                ("HOME", "/proc/x"),
                ("PLUGIN_HOST_CONFIG", random.Pick(["fuzz.hcl", "nonexistent.hcl", "dir", "", "/dev/null"])),
                ("PLUGIN_HOST_DEV_LISTEN_ADDRESS", Address()),
                ("VAULT_DEV_ROOT_TOKEN_ID", random.Pick(["x", "", "a\nb"])),
                ("TMPDIR", random.Pick(["/proc", "relative-tmp"])),
            ]);
            _environment[name] = value;
            _notes.Add($"env {name} junk");
        }
    }
}
