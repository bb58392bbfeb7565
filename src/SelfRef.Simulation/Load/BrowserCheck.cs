using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using SelfRef.Simulation.Protocol;

namespace SelfRef.Simulation.Load;

/// <summary>
/// What a server (typically restarted on the same files after a browser-shaped run) says about
/// the run's sessions, asked only as browsers can ask: every kept session's tab streams must be
/// durable at least up to what was acknowledged (DurableOf on a connection bound to the session);
/// a withdrawn session's token must be unknown (GET /api/p/{token} answers 404); a declined
/// session keeps its refusal but none of its events (DurableOf 0).
/// </summary>
public static class BrowserCheck
{
    public sealed record Report(
        int KeptSessions, long EventsAcknowledged, long EventsDurable, long EventsLost, int StreamsShort,
        int WithdrawnSessions, int WithdrawnStillKnown, int DeclinedSessions, int DeclinedWithEvents,
        IReadOnlyDictionary<string, int> Problems)
    {
        /// <summary>Nothing acknowledged is missing, nothing withdrawn or declined is kept, and every session could be asked.</summary>
        public bool Clean => EventsLost == 0 && StreamsShort == 0 && WithdrawnStillKnown == 0 && DeclinedWithEvents == 0 && Problems.Count == 0;
    }

    public static async Task<Report> Run(Uri baseUrl, IReadOnlyList<VisitOutcome> visits, CancellationToken ct = default, int concurrency = 32)
    {
        if (!LoadOptions.IsLoopback(baseUrl)) throw new ArgumentException($"the check talks to loopback addresses only, not {baseUrl.Host}", nameof(baseUrl));
        using var http = ParticipantLink.Client(baseUrl, concurrency);
        var problems = new ConcurrentDictionary<string, int>();
        void Problem(string message) => problems.AddOrUpdate(message, 1, (_, n) => n + 1);
        long acknowledged = 0, durable = 0, lost = 0;
        int shortStreams = 0, withdrawnKnown = 0, declinedWithEvents = 0;

        var asked = visits.Where(v => v.Token is not null).ToList();
        await Parallel.ForEachAsync(asked, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (visit, token) =>
        {
            if (visit.End == VisitEnd.Withdrawn)
            {
                using var response = await http.GetAsync($"/api/p/{Uri.EscapeDataString(visit.Token!)}", token);
                if (response.StatusCode != HttpStatusCode.NotFound) Interlocked.Increment(ref withdrawnKnown);
                return;
            }
            var held = await DurableOf(baseUrl, visit, token);
            if (held is null)
            {
                Problem(visit.Kept ? "a kept session could not be asked (its token is unknown or the hub refused it)" : "a declined session could not be asked");
                if (visit.Kept) Interlocked.Add(ref lost, visit.Streams.Sum(s => s.Acknowledged));
                return;
            }
            foreach (var stream in visit.Streams)
            {
                var has = held[stream.Stream];
                if (!visit.Kept)
                {
                    if (has > 0) Interlocked.Increment(ref declinedWithEvents);
                    continue;
                }
                Interlocked.Add(ref acknowledged, stream.Acknowledged);
                Interlocked.Add(ref durable, has);
                if (has < stream.Acknowledged)
                {
                    Interlocked.Increment(ref shortStreams);
                    Interlocked.Add(ref lost, stream.Acknowledged - has);
                }
            }
        });
        return new Report(visits.Count(v => v.Kept), acknowledged, durable, lost, shortStreams,
            visits.Count(v => v.End == VisitEnd.Withdrawn), withdrawnKnown, visits.Count(v => v.End == VisitEnd.Declined), declinedWithEvents,
            new Dictionary<string, int>(problems));
    }

    /// <summary>DurableOf for every stream of the visit on one connection; null if the session could not be asked.</summary>
    private static async Task<Dictionary<string, long>?> DurableOf(Uri baseUrl, VisitOutcome visit, CancellationToken ct)
    {
        await using var connection = ParticipantLink.Hub(baseUrl, visit.Token!);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await connection.StartAsync(timeout.Token);
            var held = new Dictionary<string, long>();
            foreach (var stream in visit.Streams)
                held[stream.Stream] = await connection.InvokeAsync<long>("DurableOf", visit.Token, stream.Stream, timeout.Token);
            return held;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
