using System.Runtime.InteropServices;

namespace SelfRef.Web.Hosting;

/// <summary>
/// glibc's allocator gives threads that contend for it arenas of their own, up to eight per core,
/// and memory freed in one arena serves only the threads on it, so the total follows how many
/// threads were ever busy at once. The server's memory outside the managed heap (the runtime's own,
/// the JIT's) lives there: in the 10-minute browser soak it grew 1–2 MB a minute with the default
/// and stayed flat after the fourth minute with the limit (docs/benchmarks.md, "DATAS at half its
/// share and two malloc arenas").
/// Set from inside, not as MALLOC_ARENA_MAX in the environment, so that `dotnet run` and a
/// published server behave alike. What it changes is weaker than the environment variable: glibc
/// makes no new arena once this many exist, but arenas the runtime's own threads made before the
/// call stay (the variable, read before any thread runs, is the strict form). A limit the
/// deployment sets (MALLOC_ARENA_MAX, or glibc.malloc.arena_max in GLIBC_TUNABLES) is left to glibc.
/// </summary>
internal static class NativeHeap
{
    public const int Arenas = 2;

    // glibc's malloc.h: M_ARENA_MAX.
    private const int ArenaMax = -8;

    /// <summary>Whether this process set the limit (for the test that the server's start calls <see cref="LimitArenas"/>).</summary>
    public static bool Applied { get; private set; }

    /// <summary>true when glibc took the limit; false when the deployment sets one or elsewhere (Windows, macOS, musl), where nothing changes.</summary>
    public static bool LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || DeploymentSetsLimit()) return false;
        try { return Applied = mallopt(ArenaMax, Arenas) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    /// <summary>Whether the environment already limits the arenas (MALLOC_ARENA_MAX, or glibc.malloc.arena_max in GLIBC_TUNABLES).</summary>
    public static bool DeploymentSetsLimit() =>
        Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null
        || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is { } tunables && tunables.Contains("glibc.malloc.arena_max", StringComparison.Ordinal);

    /// <summary>Whether this process runs on glibc, the allocator the limit is for (musl has no mallopt to speak of).</summary>
    public static bool OnGlibc => OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);

    [DllImport("libc", ExactSpelling = true)]
    private static extern int mallopt(int param, int value);
}
