using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SelfRef.Simulation.Load;

namespace SelfRef.Benchmarks;

/// <summary>
/// What the stopped server's database holds, read the way a researcher reads it: the server's own
/// `export` verb (JSON lines, through the server's keys, so it works whatever the store looks like
/// inside), then every event's tab stream and number. Each tab stream of a kept session must
/// hold its events 1..n exactly once with n at least what was acknowledged; a withdrawn or
/// declined session's streams must hold nothing.
/// </summary>
internal static class ExportCheck
{
    public sealed record Result(
        long Rows, int Streams, long EventsAcknowledged, long EventsHeld, long EventsLost, int StreamsShort, int StreamsWithGapsOrDuplicates,
        int GoneStreamsWithEvents, long GoneEvents, int UnknownStreams, TimeSpan Took, string? Failure)
    {
        public bool Clean => Failure is null && EventsLost == 0 && StreamsShort == 0 && StreamsWithGapsOrDuplicates == 0 && GoneStreamsWithEvents == 0 && UnknownStreams == 0;
    }

    public static async Task<Result> Run(string serverDll, string database, string experiments, string experimentId, string workFolder, IReadOnlyList<VisitOutcome> visits)
    {
        var clock = Stopwatch.StartNew();
        var folder = Path.Combine(workFolder, "export-" + Guid.NewGuid().ToString("N")[..8]);
        var export = Process.Start(new ProcessStartInfo("dotnet",
            [serverDll, "export", "--experiment", experimentId, "--format", "jsonl", "--out", folder, "--db", database, "--experiments", experiments])
        {
            WorkingDirectory = workFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = export.StandardOutput.ReadToEndAsync();
        var errors = export.StandardError.ReadToEndAsync();
        using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(20)))
        {
            try { await export.WaitForExitAsync(limit.Token); }
            catch (OperationCanceledException)
            {
                export.Kill();
                return Failed("the export did not finish within 20 minutes");
            }
        }
        var events = Path.Combine(folder, "events.jsonl");
        if (export.ExitCode != 0 || !File.Exists(events))
            return Failed($"the export exited with {export.ExitCode}: {Clip(await errors + await output)}");

        var held = new Dictionary<string, Tally>(StringComparer.Ordinal);
        long rows = 0;
        using (var reader = new StreamReader(events, Encoding.UTF8))
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0) continue;
                rows++;
                var (stream, n) = StreamAndNumber(line);
                if (!held.TryGetValue(stream, out var tally)) held[stream] = tally = new Tally();
                tally.Add(n);
            }
        }
        Directory.Delete(folder, recursive: true);

        long acknowledged = 0, heldEvents = 0, lost = 0, goneEvents = 0;
        int shortStreams = 0, broken = 0, goneStreams = 0;
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var visit in visits.Where(v => v.Token is not null))
            foreach (var stream in visit.Streams)
            {
                known.Add(stream.Stream);
                var tally = held.GetValueOrDefault(stream.Stream);
                if (!visit.Kept)
                {
                    if (tally is { Count: > 0 })
                    {
                        goneStreams++;
                        goneEvents += tally.Count;
                    }
                    continue;
                }
                acknowledged += stream.Acknowledged;
                heldEvents += tally?.Count ?? 0;
                var missing = stream.Acknowledged - (tally?.DistinctUpTo(stream.Acknowledged) ?? 0);
                if (missing > 0)
                {
                    shortStreams++;
                    lost += missing;
                }
                if (tally is not null && !tally.Exactly1ToN) broken++;
            }
        var unknown = held.Keys.Count(s => !known.Contains(s));
        return new Result(rows, held.Count, acknowledged, heldEvents, lost, shortStreams, broken, goneStreams, goneEvents, unknown, clock.Elapsed, null);

        Result Failed(string why) => new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, clock.Elapsed, why);
    }

    /// <summary>The "stream" and "n" of an events row; the row's data after them is not read.</summary>
    private static (string Stream, long N) StreamAndNumber(string line)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(line));
        string? stream = null;
        long? n = null;
        while ((stream is null || n is null) && reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
            if (reader.ValueTextEquals("stream"u8)) { reader.Read(); stream = reader.GetString(); }
            else if (reader.ValueTextEquals("n"u8)) { reader.Read(); n = reader.GetInt64(); }
        }
        return (stream ?? throw new InvalidDataException("an events row without a stream"), n ?? throw new InvalidDataException("an events row without a number"));
    }

    private static string Clip(string text) => text.Length > 500 ? text[..500] + "…" : text;

    /// <summary>The event numbers seen of one stream, as a bit set.</summary>
    private sealed class Tally
    {
        private readonly List<ulong> _bits = [];
        private long _max;
        public long Count { get; private set; }
        public long Duplicates { get; private set; }

        public void Add(long n)
        {
            if (n < 1) { Duplicates++; return; }
            var word = (int)((n - 1) / 64);
            while (_bits.Count <= word) _bits.Add(0);
            var bit = 1UL << (int)((n - 1) % 64);
            if ((_bits[word] & bit) != 0) Duplicates++;
            else
            {
                _bits[word] |= bit;
                Count++;
            }
            _max = Math.Max(_max, n);
        }

        /// <summary>Numbers 1..Count, each once.</summary>
        public bool Exactly1ToN => Duplicates == 0 && _max == Count;

        public long DistinctUpTo(long n)
        {
            long count = 0;
            for (long i = 1; i <= n; i++)
            {
                var word = (int)((i - 1) / 64);
                if (word < _bits.Count && (_bits[word] & (1UL << (int)((i - 1) % 64))) != 0) count++;
            }
            return count;
        }
    }
}
