namespace PluginHost.Cli.Tests.Executable;

/// <summary>read, write, list and delete with their data arguments and output options, through real plugin-host runs.</summary>
[TestClass]
public sealed class DataTests
{
    private static Sandbox s_sandbox = null!;

    [ClassInitialize]
    public static void EnableKv(TestContext context)
    {
        s_sandbox = new Sandbox();
        s_sandbox.Run("secrets", "enable", "kv").Is(0, "Success! Enabled the kv secrets engine at: kv/\n");
    }

    [ClassCleanup]
    public static void DeleteSandbox() => s_sandbox.Dispose();

    [TestMethod]
    public void Read_MissingKey_SaysNoValueFoundWithExitTwo()
    {
        s_sandbox.Run("read", "kv/missing").Is(2, "", "No value found at kv/missing\n");
        s_sandbox.Run("read", "nothing-mounted/here").Is(2, "", "No value found at nothing-mounted/here\n");
    }

    [TestMethod]
    public void Write_MalformedPair_IsAUsageError()
    {
        s_sandbox.Run("write", "kv/x", "value").Is(1, "", "Failed to parse K=V data: invalid key/value pair \"value\": format must be key=value\n");
        s_sandbox.Run("write", "kv/x", "v=@missing.txt").Is(
            1,
            "",
            $"Failed to parse K=V data: invalid key/value pair \"v=@missing.txt\": error reading file: open {s_sandbox.Root}/missing.txt: no such file or directory\n");
    }

    [TestMethod]
    public void Write_UnmountedPath_IsAnErrorFromTheHost()
    {
        s_sandbox.Run("write", "nothing-mounted/here", "a=b").Is(2, "", """
            Error writing data to nothing-mounted/here: Error making API request.

            Request: write nothing-mounted/here
            Code: 404. Errors:

            * no handler for route "nothing-mounted/here". route entry not found.

            """);
    }

    [TestMethod]
    public void Write_ValuesFromAFileAndFromStdin()
    {
        File.WriteAllText(Path.Join(s_sandbox.Root, "cert.pem"), "-----BEGIN-----\nabc\n");

        s_sandbox.Run("write", "kv/file", "cert=@cert.pem").Is(0, "Success! Data written to: kv/file\n");
        s_sandbox.Run("read", "-field=cert", "kv/file").Is(0, "-----BEGIN-----\nabc\n");

        s_sandbox.RunWithStdin("from stdin", "write", "kv/stdin", "value=-").Is(0, "Success! Data written to: kv/stdin\n");
        s_sandbox.Run("read", "-field=value", "kv/stdin").Is(0, "from stdin");

        s_sandbox.RunWithStdin("""{"a": "1", "b": ["x", "y"]}""", "write", "kv/json", "-").Is(0, "Success! Data written to: kv/json\n");
        s_sandbox.Run("read", "kv/json").Is(0, "Key    Value\n---    -----\na      1\nb      [x y]\n");
    }

    [TestMethod]
    public void Read_JsonFormat_IsVaultsEnvelope()
    {
        s_sandbox.Run("write", "kv/env", "value=bar").Is(0, "Success! Data written to: kv/env\n");

        var result = s_sandbox.Run("read", "-format=json", "kv/env");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Matches(result.Stdout, new System.Text.RegularExpressions.Regex(
            "^\\{\n  \"request_id\": \"[0-9a-f-]{36}\",\n  \"lease_id\": \"\",\n  \"lease_duration\": 0,\n  \"renewable\": false,\n" +
            "  \"data\": \\{\n    \"value\": \"bar\"\n  \\},\n  \"warnings\": null\n\\}\n$"));
        s_sandbox.Run("read", "-format=json", "-field=value", "kv/env").Is(0, "\"bar\"");
    }

    [TestMethod]
    public void List_TableJsonAndEmpty()
    {
        s_sandbox.Run("write", "kv/dir/b", "v=1").Is(0, "Success! Data written to: kv/dir/b\n");
        s_sandbox.Run("write", "kv/dir/a/c", "v=1").Is(0, "Success! Data written to: kv/dir/a/c\n");

        s_sandbox.Run("list", "kv/dir").Is(0, "Keys\n----\na/\nb\n");
        s_sandbox.Run("list", "-format=json", "kv/dir/").Is(0, "[\n  \"a/\",\n  \"b\"\n]\n");
        s_sandbox.Run("list", "kv/empty").Is(2, "", "No value found at kv/empty\n");
    }

    [TestMethod]
    public void Field_MissingIsAUsageError()
    {
        s_sandbox.Run("write", "kv/f", "value=bar").Is(0, "Success! Data written to: kv/f\n");

        s_sandbox.Run("read", "-field=nope", "kv/f").Is(1, "", "Field \"nope\" not present in secret\n");
    }

    [TestMethod]
    public void UnknownFlagsAndFormats_AreUsageErrors()
    {
        s_sandbox.Run("read", "-verbose", "kv/f").Is(1, "", "flag provided but not defined: -verbose\n");
        s_sandbox.Run("delete", "--format=json", "kv/f").Is(1, "", "flag provided but not defined: -format\n");
        s_sandbox.Run("list", "-format=yaml", "kv/").Is(1, "", "Invalid output format: yaml\n");
        s_sandbox.Run("read").Is(1, "", "Not enough arguments (expected 1, got 0)\n");
    }
}
