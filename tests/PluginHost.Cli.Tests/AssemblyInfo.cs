// Every process test starts plugin-host processes (and they start plugins): two classes at a time fit two cores.
[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]

// The process tests use Unix file modes and sha256sum-style paths: Linux, like CI.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
