using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Tasks.Map;
using SelfRef.Simulation.Participants;
using SelfRef.Simulation.Protocol;
using SelfRef.Simulation.Scripts;

namespace SelfRef.Simulation.Load;

/// <summary>
/// One simulated participant in a browser, from the link to leaving: GET /s/{experiment} (302 to
/// /p/{token}), the page (GET /p/{token}) and its state (GET /api/p/{token}); for every step the
/// events the page logs (<see cref="StepScript"/>: pen.points per animation frame while drawing,
/// map.view per frame while the map moves, keystrokes, clicks), played at their own pace through
/// the tab's outbox, then POST …/advance with the answers. Some reload the page during a step (the
/// new page takes over the outbox, asks DurableOf and sends the unacknowledged tail again), some
/// open the study in a second tab (a second stream of the same session), some decline or leave,
/// and any may be asked to withdraw (POST …/withdraw), after which the page forgets its events.
/// </summary>
internal sealed class BrowserVisit
{
    private const double PauseThresholdMs = 1000;
    private readonly BrowserRun _run;
    private readonly HttpClient _http;
    private readonly ParticipantGenerator _generator;
    private readonly SimulatedParticipant _participant;
    private readonly Random _random;
    private readonly CancellationTokenSource _interrupt;
    // The end of the drain (or the run's hard limit): nothing of a visit waits beyond it.
    private readonly CancellationToken _limit;
    private readonly Lock _gate = new();
    private readonly List<TabState> _streams = [];
    private readonly List<BrowserTab> _tabs = [];
    private bool _withdrawRequested, _ending;
    private BrowserTab _active = null!;

    public BrowserVisit(BrowserRun run, HttpClient http, ParticipantGenerator generator, int index, CancellationToken stop, CancellationToken limit)
    {
        _run = run;
        _http = http;
        _generator = generator;
        _participant = generator.Create(index);
        _random = Seeds.Random(run.Options.Seed, index, "browser");
        _interrupt = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _limit = limit;
    }

    public int Index => _participant.Index;
    public string? Token { get; private set; }
    private bool _secondTab;

    /// <summary>
    /// Asks the participant to withdraw, as a click on the page's "withdraw" link does. False when
    /// there is nothing to withdraw yet (no session, nothing acknowledged) or the visit is ending.
    /// </summary>
    public bool TryRequestWithdrawal()
    {
        lock (_gate)
        {
            if (_ending || _withdrawRequested || Token is null) return false;
            if (!_streams.Any(s => s.Outcome().Acknowledged > 0)) return false;
            _withdrawRequested = true;
        }
        try { _interrupt.Cancel(); }
        catch (ObjectDisposedException) { return false; }
        return true;
    }

    public async Task<VisitOutcome> Run()
    {
        VisitEnd end;
        try
        {
            try
            {
                end = await Walk();
            }
            catch (OperationCanceledException) when (_interrupt.IsCancellationRequested && !_limit.IsCancellationRequested)
            {
                end = WithdrawRequested ? await Withdraw() : await Leave(VisitEnd.Unfinished);
            }
        }
        catch (OperationCanceledException) when (_limit.IsCancellationRequested)
        {
            _run.Error("a visit was still waiting for the server when the drain ended");
            end = VisitEnd.Unfinished;
        }
        catch (Exception e) when (e is ParticipantProtocolException or HttpRequestException or IOException or JsonException or InvalidDataException
                                   or KeyNotFoundException or InvalidOperationException or OperationCanceledException)
        {
            _run.Error("a visit failed: " + e.Message);
            end = VisitEnd.Failed;
        }
        finally
        {
            lock (_gate) _ending = true;
            foreach (var tab in Tabs()) await tab.Unload();
            _interrupt.Dispose();
        }
        if (end is not (VisitEnd.Withdrawn or VisitEnd.Declined) && Tabs().Any(t => t.SessionGone))
            _run.Error("the server said a session that nobody withdrew or declined is gone");
        List<TabState> streams;
        lock (_gate) streams = [.. _streams];
        return new VisitOutcome(Token, end, streams.Select(s => s.Outcome()).ToList());
    }

    private bool WithdrawRequested
    {
        get { lock (_gate) return _withdrawRequested; }
    }

    private List<BrowserTab> Tabs()
    {
        lock (_gate) return [.. _tabs];
    }

    private async Task<VisitEnd> Walk()
    {
        var options = _run.Options;
        var p = _participant;
        var token = await ParticipantLink.StartSession(_http, options.ExperimentId, $"?PROLIFIC_PID={p.ProlificId}&STUDY_ID=load&SESSION_ID={p.Stream}", _limit, Decorate);
        lock (_gate) Token = token;
        var state = await LoadPage();
        _active = await OpenTab(new TabState(p.Stream));

        var identity = new Dictionary<string, string>(StringComparer.Ordinal);
        var secondTab = _random.NextDouble() < options.SecondTabShare;
        while (true)
        {
            var step = StepInfo.From(state.GetProperty("step"));
            var status = state.GetProperty("status").GetString();
            var context = Context(step);
            foreach (var (question, answer) in StepScript.IdentityAnswers(step, context)) identity[question] = answer;
            var plan = StepScript.Plan(step, context, identity);
            if (status == "completed")
            {
                // The debrief shows the completion code and waits until every event is acknowledged (debrief.js).
                await Play(step, context, plan.Events, reloadAt: -1, secondTabAt: -1);
                return await Leave(VisitEnd.Completed);
            }
            var leaving = step.Index >= p.LeavesAtStep && step.Index > 0;
            var events = leaving ? plan.Events.Take(_random.Next(1, plan.Events.Count + 1)).ToList() : plan.Events;
            var reloadAt = _random.NextDouble() < options.ReloadShare ? _random.Next(events.Count) : -1;
            var secondTabAt = secondTab && !_secondTab && step.Task is not null ? _random.Next(events.Count) : -1;
            await Play(step, context, events, reloadAt, secondTabAt);
            if (leaving) return await Leave(VisitEnd.DroppedOut);
            if (plan.End == StepEnd.Decline)
            {
                BeginEnding();
                await Post($"/api/p/{Uri.EscapeDataString(token)}/decline", new { });
                return VisitEnd.Declined;
            }
            state = await Post($"/api/p/{Uri.EscapeDataString(token)}/advance", new { step = step.Id, answers = plan.Answers });
        }
    }

    /// <summary>Logs the step's events at their times (pauses shortened by the pause scale), reloading or opening a second tab on the way if told to.</summary>
    private async Task Play(StepInfo step, StepContext context, IReadOnlyList<ClientEvent> events, int reloadAt, int secondTabAt)
    {
        var start = _run.Clock.Elapsed;
        var offset = 0.0;
        var previous = events.Count > 0 ? events[0].T : 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var gap = Math.Max(0, e.T - previous);
            previous = Math.Max(previous, e.T);
            offset += gap <= PauseThresholdMs ? gap : PauseThresholdMs + (gap - PauseThresholdMs) * _run.Options.PauseScale;
            var due = start + TimeSpan.FromMilliseconds(offset);
            var wait = due - _run.Clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, _interrupt.Token);
            else _interrupt.Token.ThrowIfCancellationRequested();
            if (i == reloadAt || i == secondTabAt)
            {
                // The participant carries on once the page is back: the rest of the step moves by the time that took.
                var before = _run.Clock.Elapsed;
                if (i == reloadAt) await Reload(step, context);
                if (i == secondTabAt) await OpenSecondTab(step, context);
                start += _run.Clock.Elapsed - before;
                due += _run.Clock.Elapsed - before;
            }
            // How far behind its participant's schedule the generator logs the event (a busy machine's share of the figures).
            _run.Lag.Add(Math.Max(0, (_run.Clock.Elapsed - due).TotalMilliseconds));
            _active.Log(step.Id, e);
            if (PlacesRequest(step, e, i + 1 < events.Count ? events[i + 1] : null) is { } request) _ = Fetch(request);
        }
    }

    /// <summary>
    /// What the page asks the gazetteer after an event (wwwroot/tasks/map.js, js/places.js): the
    /// labels of the view once the map settles (120 ms without another view), suggestions for
    /// what was typed in a place box once typing pauses (150 ms).
    /// </summary>
    private string? PlacesRequest(StepInfo step, ClientEvent e, ClientEvent? next)
    {
        var wait = e.Type == MapEvents.View ? 120 : 150;
        var quiet = next is null || next.Type != e.Type || next.T - e.T > wait;
        if (!quiet || e.Data is not { ValueKind: JsonValueKind.Object } data) return null;
        switch (e.Type)
        {
            case MapEvents.View when data.TryGetProperty("bounds", out var b) && b.GetArrayLength() == 4 && data.TryGetProperty("zoom", out var zoom):
                // bounds are [south, west, north, east]; the labels want west,south,east,north.
                var box = string.Join(',', new[] { b[1], b[0], b[3], b[2] }.Select(v => v.GetDouble().ToString("F4", CultureInfo.InvariantCulture)));
                return $"/api/places?bbox={box}&zoom={zoom.GetDouble().ToString(CultureInfo.InvariantCulture)}&limit=60";
            case MapEvents.SearchInput when data.TryGetProperty("q", out var q) && q.GetString() is { Length: > 0 } text:
                return Search(text);
            case "answer.input" when data.TryGetProperty("question", out var question) && data.TryGetProperty("length", out var length)
                                     && step.Questions.Any(x => x.Id == question.GetString() && x.Type == "place"):
                var name = _participant.HomeTown.Name;
                return Search(name[..Math.Clamp(length.GetInt32(), 1, name.Length)]);
            default:
                return null;
        }

        string Search(string text) => $"/api/places/search?q={Uri.EscapeDataString(text)}&limit=8&lang={_participant.Language}";
    }

    /// <summary>A request the page makes on the side (not awaited by what the participant does next).</summary>
    private async Task Fetch(string path)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            Decorate(request);
            using var response = await _http.SendAsync(request, _limit);
            await response.Content.ReadAsByteArrayAsync(_limit);
            if (response.StatusCode != HttpStatusCode.OK) _run.Error($"GET {path.Split('?')[0]} answered {(int)response.StatusCode}");
            else _run.Places.Add(clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException) { }
    }

    /// <summary>
    /// The participant reloads the page: it goes without waiting for the batch in flight; the new
    /// page loads, takes over the outbox kept in localStorage (same stream), asks what the server
    /// holds and sends the rest, and shows the step again.
    /// </summary>
    private async Task Reload(StepInfo step, StepContext context)
    {
        var old = _active;
        await old.Unload();
        await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(150, 900)), _limit);
        await LoadPage();
        var tab = await OpenTab(old.State, replacing: old);
        _run.Reloaded(tab.StoredBeyondAckAtOpen > 0);
        _active = tab;
        tab.Log(step.Id, Onset(step, context));
    }

    /// <summary>The participant opens the study in another tab: a stream of its own, the same session; the first tab goes to the background.</summary>
    private async Task OpenSecondTab(StepInfo step, StepContext context)
    {
        _secondTab = true;
        _run.SecondTabOpened();
        var stream = string.Create(10, _random, (span, random) =>
        {
            const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[random.Next(alphabet.Length)];
        });
        await LoadPage();
        _active.Log(step.Id, new ClientEvent(Math.Round(_random.NextDouble() * 10, 2), "page.visibility", JsonSerializer.SerializeToElement(new { state = "hidden" })));
        _active = await OpenTab(new TabState(stream));
        _active.Log(step.Id, Onset(step, context));
    }

    private static ClientEvent Onset(StepInfo step, StepContext context) =>
        StepScript.Onset(step.Index, context with { WallClockMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });

    private StepContext Context(StepInfo step) =>
        new(_participant, _generator, Seeds.Random(_run.Options.Seed, _participant.Index, "step/" + step.Id), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private async Task<BrowserTab> OpenTab(TabState state, BrowserTab? replacing = null)
    {
        var tab = await BrowserTab.Open(_run, Token!, state, _limit);
        lock (_gate)
        {
            if (replacing is not null) _tabs.Remove(replacing);
            else _streams.Add(state);
            _tabs.Add(tab);
        }
        return tab;
    }

    /// <summary>The visit ends: no withdrawal may start any more (one asked for before is carried out instead).</summary>
    private void BeginEnding()
    {
        lock (_gate)
        {
            if (_withdrawRequested) throw new OperationCanceledException(_interrupt.Token);
            _ending = true;
        }
    }

    /// <summary>Completed, left or cut off by the window's end: waits (within the drain) until every tab's events are acknowledged; the pages then close.</summary>
    private async Task<VisitEnd> Leave(VisitEnd end)
    {
        if (end != VisitEnd.Unfinished) BeginEnding();
        else lock (_gate) _ending = true;
        try { await Task.WhenAll(Tabs().Select(t => t.WhenFlushed(_limit))); }
        catch (OperationCanceledException) when (_limit.IsCancellationRequested) { }
        return end;
    }

    /// <summary>POST …/withdraw from the page; the page then forgets the session's unsent events in every tab and stops sending.</summary>
    private async Task<VisitEnd> Withdraw()
    {
        lock (_gate) _ending = true;
        var at = _run.Clock.Elapsed;
        var clock = Stopwatch.StartNew();
        using var response = await Send(() => new HttpRequestMessage(HttpMethod.Post, $"/api/p/{Uri.EscapeDataString(Token!)}/withdraw") { Content = Json(new { }) });
        _run.Withdrawals.Enqueue(new Withdrawal(at, clock.Elapsed, (int)response.StatusCode));
        if (response.StatusCode != HttpStatusCode.OK) _run.Error($"withdrawing answered {(int)response.StatusCode}, not 200");
        foreach (var tab in Tabs()) await tab.Stop();
        return VisitEnd.Withdrawn;
    }

    /// <summary>GET /p/{token} (the page) and GET /api/p/{token} (its state), as a page load does.</summary>
    private async Task<JsonElement> LoadPage()
    {
        using (var page = await Send(() => new HttpRequestMessage(HttpMethod.Get, $"/p/{Uri.EscapeDataString(Token!)}")))
        {
            if (page.StatusCode != HttpStatusCode.OK) throw new ParticipantProtocolException($"the participant page answered {(int)page.StatusCode}");
            await page.Content.ReadAsByteArrayAsync(_limit);
        }
        using var state = await Send(() => new HttpRequestMessage(HttpMethod.Get, $"/api/p/{Uri.EscapeDataString(Token!)}"));
        return await Read(state, "GET /api/p/{token}");
    }

    private async Task<JsonElement> Post(string path, object body)
    {
        using var response = await Send(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) });
        return await Read(response, "POST …/" + path.Split('/')[^1]);
    }

    /// <summary>participant.js api(): a request that fails on the network is made again (here at most 5 times, backing off as the page does).</summary>
    private async Task<HttpResponseMessage> Send(Func<HttpRequestMessage> make)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = make();
            Decorate(request);
            try
            {
                return await _http.SendAsync(request, _limit);
            }
            catch (Exception e) when (attempt < 5 && (e is HttpRequestException || (e is OperationCanceledException && !_limit.IsCancellationRequested)))
            {
                _run.Error($"{request.Method} {Described(request.RequestUri)}: {e.GetType().Name}, tried again");
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 500 * Math.Pow(2, attempt - 1))), _limit);
            }
        }
    }

    /// <summary>A request's address without the token: "/p/…", "/api/p/…/advance".</summary>
    private static string Described(Uri? uri)
    {
        var path = uri is null ? "" : uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        var parts = path.Split('/');
        return parts.Length >= 3 && parts[1] is "p" ? "/p/…"
            : parts.Length >= 4 && parts[1] == "api" && parts[2] == "p" ? "/api/p/…" + (parts.Length > 4 ? "/" + parts[4] : "")
            : path;
    }

    private async Task<JsonElement> Read(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync(_limit);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new ParticipantProtocolException($"{what} answered {(int)response.StatusCode}: {(text.Length > 200 ? text[..200] : text)}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private void Decorate(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Accept-Language", _participant.AcceptLanguage);
        request.Headers.TryAddWithoutValidation("User-Agent", _participant.UserAgent);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
