using System.Runtime.InteropServices;

namespace SelfRef.Web.Hosting;

/// <summary>
/// glibc's allocator gives threads that contend for it arenas of their own, up to eight per core,
/// and memory freed in one arena serves only the threads on it, so the total follows how many
/// threads were ever busy at once. The server's memory outside the managed heap (the runtime's own,
/// the JIT's) lives there: in the 10-minute browser soak it grew 1–2 MB a minute with the default
/// and stayed flat with two arenas (docs/benchmarks.md, "The GC's own settings").
/// Set from inside, not as MALLOC_ARENA_MAX in the environment, so that `dotnet run` and a
/// published server behave alike; a MALLOC_ARENA_MAX the deployment sets is left to glibc. Early
/// in the start: a limit holds for arenas made after it.
/// </summary>
internal static class NativeHeap
{
    public const int Arenas = 2;

    // glibc's malloc.h: M_ARENA_MAX.
    private const int ArenaMax = -8;

    /// <summary>true when glibc took the limit; false when the environment sets one or elsewhere (Windows, macOS, musl), where nothing changes.</summary>
    public static bool LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null) return false;
        try { return mallopt(ArenaMax, Arenas) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern int mallopt(int param, int value);
}
