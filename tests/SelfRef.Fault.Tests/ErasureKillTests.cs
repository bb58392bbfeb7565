using System.Diagnostics;
using SelfRef.Core.Storage;
using SelfRef.Fault.Tests.Support;
using SelfRef.Tests.Support;
using Xunit.Abstractions;

namespace SelfRef.Fault.Tests;

/// <summary>
/// Issue 11: the process dies (SIGKILL) at random moments while it erases sessions. Whatever the
/// moment, the database opens, every kept session has every acknowledged event, and each session
/// being erased is either whole (its erasure had not begun) or entirely gone, never half readable.
/// The child is the benchmark program's erasure-child verb: a process of its own, so the kill is real.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class ErasureKillTests(ITestOutputHelper output)
{
    private const int Sessions = 16, Batches = 40, Events = 3, Erased = 8, Tries = 100;

    private static string Child => Path.Combine(Repository.Root, "tests", "SelfRef.Benchmarks", "bin", BuildConfiguration.Name, "net10.0", "SelfRef.Benchmarks.dll");

    [Fact]
    public async Task Killed_at_random_moments_of_an_erasure_the_file_always_opens_with_every_kept_event_and_no_half_erased_session()
    {
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"selfref-erase-kill-{Guid.NewGuid():N}")).FullName;
        try
        {
            var template = Path.Combine(work, "template");
            Directory.CreateDirectory(template);
            var (code, _, _) = await RunChild(Path.Combine(template, "erase.db"), ["--prepare", "--sessions", $"{Sessions}", "--batches", $"{Batches}", "--events", $"{Events}"], killAfter: null);
            Assert.Equal(0, code);

            // How long erasing takes here (from "ready" to the end), so that the kills fall inside it.
            var (completeCode, completeLines, window) = await RunChild(Copy(template, Path.Combine(work, "calibrate")), EraseArguments, killAfter: null);
            Assert.Equal(0, completeCode);
            Assert.Equal(Erased, completeLines.Count(l => l.StartsWith("erased ", StringComparison.Ordinal)));

            var random = new Random(20261201);
            var midway = 0;
            for (var attempt = 0; attempt < Tries; attempt++)
            {
                var database = Copy(template, Path.Combine(work, $"try{attempt}"));
                var delay = TimeSpan.FromMilliseconds(random.NextDouble() * window.TotalMilliseconds);
                var (_, lines, _) = await RunChild(database, EraseArguments, killAfter: delay);
                var done = lines.Count(l => l.StartsWith("erased ", StringComparison.Ordinal));
                if (done < Erased) midway++;
                Check(database, attempt, done);
                Directory.Delete(Path.GetDirectoryName(database)!, recursive: true);
            }
            output.WriteLine($"{Tries} kills within {window.TotalMilliseconds:0} ms of erasing {Erased} sessions; {midway} of them before the last erasure was done");
            Assert.True(midway >= Tries / 2, $"only {midway} of {Tries} kills fell before the erasures were done: the test did not hit them");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string[] EraseArguments => ["--erase", string.Join(',', Enumerable.Range(0, Erased).Select(SessionId))];

    private static string SessionId(int i) => $"P-{i:D6}";

    private void Check(string database, int attempt, int erasedBeforeKill)
    {
        using var store = new LiteDbStore(database);
        var all = Enumerable.Range(1, Batches * Events).Select(n => (long)n).ToList();
        for (var i = 0; i < Sessions; i++)
        {
            var id = SessionId(i);
            var session = store.FindSession(id);
            var numbers = store.Events(id).SelectMany(b => b.Events).Select(e => e.N).ToList();
            if (i < erasedBeforeKill)
            {
                Assert.True(session is null, $"try {attempt}: session {id} was reported erased but is readable");
                Assert.Empty(numbers);
            }
            else if (session is null && i == erasedBeforeKill && i < Erased)
            {
                // The erasure under way when the process died: its keys were gone, so it is gone entirely.
                Assert.Empty(numbers);
            }
            else
            {
                Assert.True(session is not null, $"try {attempt}: session {id} is missing though its erasure had not begun");
                Assert.Equal(all, numbers);
                Assert.Equal(Batches * Events, store.DurableSeq(id));
            }
        }
    }

    private static string Copy(string template, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(template)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        foreach (var keys in Directory.GetDirectories(template))
        {
            var target = Directory.CreateDirectory(Path.Combine(folder, Path.GetFileName(keys))).FullName;
            foreach (var file in Directory.GetFiles(keys)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return Path.Combine(folder, "erase.db");
    }

    /// <summary>Runs the child; with <paramref name="killAfter"/> it is killed that long after it said "ready". Returns its exit code, lines, and time from "ready" to its end.</summary>
    private static async Task<(int? ExitCode, List<string> Lines, TimeSpan Working)> RunChild(string database, string[] arguments, TimeSpan? killAfter)
    {
        Assert.True(File.Exists(Child), $"the child program is not built: {Child}");
        var info = new ProcessStartInfo("dotnet", [Child, "erasure-child", "--db", database, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var lines = new List<string>();
        var ready = new TaskCompletionSource();
        var working = new Stopwatch();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data == "ready") { working.Start(); ready.TrySetResult(); }
            lock (lines) lines.Add(e.Data);
        };
        var errors = process.StandardError.ReadToEndAsync();
        process.BeginOutputReadLine();
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        if (killAfter is { } delay)
        {
            await Task.WhenAny(ready.Task, process.WaitForExitAsync(hang.Token));
            await Task.Delay(delay);
            process.Kill();
        }
        await process.WaitForExitAsync(hang.Token);
        if (killAfter is null && process.ExitCode != 0) throw new InvalidOperationException($"the child failed ({process.ExitCode}): {await errors}");
        working.Stop();
        lock (lines) return (killAfter is null ? process.ExitCode : null, lines.ToList(), working.Elapsed);
    }
}
