using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace SelfRef.Benchmarks;

/// <summary>
/// `heap`: what a heap dump of the server holds alive, by type, and with a second dump what grew
/// between the two. Liveness is computed here by walking the references from the dump's roots:
/// `dotnet-gcdump` writes lossy dumps of a heap this size on .NET 10 and `dotnet-dump analyze …
/// dumpheap -live` crashed on the soak's dumps. Take the dumps with
/// `dotnet-dump collect -p PID --type Heap -o FILE` (the soak's memory figures are not read
/// across a dump: writing it makes the whole heap resident).
/// </summary>
internal static class HeapDump
{
    public const string Usage = """
        usage: SelfRef.Benchmarks heap DUMP [LATER-DUMP] [--top 40] [--holders TYPE [--depth 4]]
          DUMP         a dump of the server (dotnet-dump collect --type Heap); with LATER-DUMP, the growth between them
          --top        how many types to list (by live bytes, or by live growth)
          --by-dead    one dump: list by the dead bytes in gen 2 and on the large object heap (what died old)
          --holders    for live objects of this type (full name) in the last dump, the chains of types that hold them
                       (the first path the walk from the roots found, --depth types up, default 4)
        """;

    private sealed record Heap(long LiveBytes, long DeadBytes, long OldDeadBytes, Dictionary<string, (long Count, long Bytes, long DeadCount, long DeadBytes, long OldDeadBytes)> Types, IReadOnlyList<string> Holders);

    public static int Run(Arguments options)
    {
        var dumps = options.Positional;
        if (dumps.Count is < 1 or > 2) { Console.Error.WriteLine(Usage); return 2; }
        if (dumps.FirstOrDefault(d => !File.Exists(d)) is { } missing) { Console.Error.WriteLine($"no dump at {missing}"); return 2; }
        var top = options.Int("--top", 40);
        var holders = options.Value("--holders");
        var depth = options.Int("--depth", 4);
        var heaps = dumps.Select((d, i) => Read(d, i == dumps.Count - 1 ? holders : null, depth)).ToList();
        foreach (var (dump, heap) in dumps.Zip(heaps))
            Console.WriteLine($"{dump}: live {heap.LiveBytes / 1e6:F1} MB, dead (not yet collected) {heap.DeadBytes / 1e6:F1} MB, of it in gen 2 and the large object heap {heap.OldDeadBytes / 1e6:F1} MB");
        if (heaps.Count == 1)
        {
            // Dead objects in gen 2 and on the large object heap: what outlived the young collections and died there.
            Console.WriteLine("live count\tlive bytes\tdead count\tdead bytes\tdead in gen 2 / LOH\ttype");
            foreach (var (type, s) in heaps[0].Types.OrderByDescending(t => options.Flag("--by-dead") ? t.Value.OldDeadBytes : t.Value.Bytes).Take(top))
                Console.WriteLine($"{s.Count}\t{s.Bytes}\t{s.DeadCount}\t{s.DeadBytes}\t{s.OldDeadBytes}\t{type}");
        }
        else
        {
            Console.WriteLine("live growth (bytes)\tcount growth\tlive bytes before\tafter\ttype");
            foreach (var type in heaps[0].Types.Keys.Union(heaps[1].Types.Keys)
                         .Select(t => (Type: t, Before: heaps[0].Types.GetValueOrDefault(t), After: heaps[1].Types.GetValueOrDefault(t)))
                         .OrderByDescending(t => t.After.Bytes - t.Before.Bytes).Take(top))
                Console.WriteLine($"{type.After.Bytes - type.Before.Bytes}\t{type.After.Count - type.Before.Count}\t{type.Before.Bytes}\t{type.After.Bytes}\t{type.Type}");
        }
        foreach (var line in heaps[^1].Holders) Console.WriteLine(line);
        return 0;
    }

    private static Heap Read(string path, string? holdersOf, int depth)
    {
        using var target = DataTarget.LoadDump(path);
        var clr = target.ClrVersions.FirstOrDefault() ?? throw new InvalidDataException($"{path} holds no .NET runtime");
        // The dump is read with the data access library of the runtime this program runs on (the
        // server's, on the same machine): ClrMD finds none of its own on Linux, and reads the dump's
        // version as 0.0 from a heap dump, so the match is checked here on what can be read.
        if (clr.Version.Major != 0 && clr.Version != Environment.Version)
            Console.Error.WriteLine($"warning: {path} is of .NET {clr.Version}, read with {Environment.Version}'s data access library");
        var dac = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "libmscordaccore.so");
        if (!File.Exists(dac)) throw new FileNotFoundException($"no data access library at {dac} (this verb reads Linux dumps)");
        using var runtime = clr.CreateRuntime(dac, ignoreMismatch: true);
        var heap = runtime.Heap;
        var live = new HashSet<ulong>();
        var parent = new Dictionary<ulong, ulong>();
        var rootKind = new Dictionary<ulong, string>();
        var pending = new Stack<ulong>();
        foreach (var root in heap.EnumerateRoots())
            if (root.Object.Address != 0 && live.Add(root.Object.Address)) { pending.Push(root.Object.Address); rootKind[root.Object.Address] = root.RootKind.ToString(); }
        while (pending.Count > 0)
        {
            var obj = heap.GetObject(pending.Pop());
            if (!obj.IsValid) continue;
            foreach (var reference in obj.EnumerateReferenceAddresses(carefully: true))
                if (reference != 0 && live.Add(reference)) { pending.Push(reference); if (holdersOf is not null) parent[reference] = obj.Address; }
        }
        var types = new Dictionary<string, (long Count, long Bytes, long DeadCount, long DeadBytes, long OldDeadBytes)>();
        var chains = new Dictionary<string, (long Count, long Bytes)>();
        long liveBytes = 0, deadBytes = 0, oldDeadBytes = 0;
        foreach (var o in heap.EnumerateObjects())
        {
            // Frozen objects (string literals, type objects) live for the process and are reached from no root.
            if (!o.IsValid || o.IsFree || heap.GetSegmentByAddress(o.Address)?.Kind == GCSegmentKind.Frozen) continue;
            var name = o.Type?.Name ?? "?";
            var size = (long)o.Size;
            var s = types.GetValueOrDefault(name);
            if (live.Contains(o.Address))
            {
                types[name] = s with { Count = s.Count + 1, Bytes = s.Bytes + size };
                liveBytes += size;
                if (name == holdersOf)
                {
                    var chain = new List<string>();
                    var at = o.Address;
                    for (var i = 0; i < depth && parent.TryGetValue(at, out var up); i++) { at = up; chain.Add(heap.GetObject(at).Type?.Name ?? "?"); }
                    if (chain.Count < depth && rootKind.TryGetValue(at, out var kind)) chain.Add("root: " + kind);
                    var key = string.Join(" <- ", chain);
                    var c = chains.GetValueOrDefault(key);
                    chains[key] = (c.Count + 1, c.Bytes + size);
                }
            }
            else
            {
                var old = heap.GetSegmentByAddress(o.Address)?.GetGeneration(o.Address) is Generation.Generation2 or Generation.Large;
                types[name] = s with { DeadCount = s.DeadCount + 1, DeadBytes = s.DeadBytes + size, OldDeadBytes = s.OldDeadBytes + (old ? size : 0) };
                deadBytes += size;
                if (old) oldDeadBytes += size;
            }
        }
        var lines = holdersOf is null ? [] : chains.OrderByDescending(c => c.Value.Bytes).Take(25)
            .Select(c => $"held: {c.Value.Count} objects, {c.Value.Bytes} bytes: {c.Key}").Prepend($"what holds the live {holdersOf}:").ToList();
        return new Heap(liveBytes, deadBytes, oldDeadBytes, types, lines);
    }
}
