// The event client every step and task module uses. Events are numbered, kept in localStorage
// until the server acknowledges them as durable, and sent over SignalR; after a reconnect or a
// reload whatever is not acknowledged is sent again, and the server ignores what it already has.
//
// When the server refuses a batch because the session's storage quota is used up, nothing of
// the current step will be stored any more: the outbox drops what waits, sends nothing more of
// that step (the next step tries again, and the server decides), and says so through its status
// (`storageFull`), so that the page can tell the participant that they can go on.
//
// Each browser tab numbers its events in a stream of its own (kept across the tab's reloads in
// sessionStorage), so two tabs of one session never hand the server the same numbers. A tab
// holds a Web Lock on its stream while it is open; events left behind by a closed tab are sent
// by the next tab of the session.
//
// A reload must not wipe what the participant did: a task asks for its earlier events of the
// current step (restore) and redraws them. They come from this device's copies: each tab's unsent
// events, and the acknowledged events of the step that the task asked to keep (work-copy.js).
import { WorkCopy, workKey } from './work-copy.js';

const MAX_BATCH = 200;

const randomStream = () => Array.from(crypto.getRandomValues(new Uint8Array(10)), b => (b % 36).toString(36)).join('');
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const lockName = (token, stream) => `selfref.stream.${token}.${stream}`;
const outboxKey = (token, stream) => `selfref.outbox.${token}.${stream}`;
const outboxPrefix = token => `selfref.outbox.${token}.`;

function read(key) {
  try {
    const saved = JSON.parse(localStorage.getItem(key));
    if (saved && Array.isArray(saved.pending)) return saved;
  } catch { /* a damaged copy is replaced; the server still has what it acknowledged */ }
  return null;
}

/** Holds the stream's lock for the life of the page; false if another open tab holds it. */
function claim(token, stream) {
  if (!navigator.locks) return Promise.resolve(true);
  return new Promise(resolve => navigator.locks.request(lockName(token, stream), { ifAvailable: true }, lock => {
    resolve(lock !== null);
    return lock ? new Promise(() => {}) : undefined;
  }));
}

/** Takes the first events of `pending` that belong to one step, as a batch. */
function batchOf(pending, stream) {
  const step = pending[0].step;
  const events = [];
  for (const e of pending) {
    if (e.step !== step || events.length === MAX_BATCH) break;
    events.push({ t: e.t, type: e.type, data: e.data });
  }
  return { seq: pending[0].n, step, events, stream };
}

export class Outbox {
  #token; #stream; #key = null; #state = { next: 1, acked: 0, pending: [] };
  #early = [];            // events logged before this tab owns its stream; numbered once it does
  #sinceBegin = null;     // events of the current step logged before its onset frame was known
  #connection = null; #inflight = false; #waiters = []; #adoptions = []; #onStatus;
  #onset = 0; #step = null; #retryTimer = null; #stopped = false;
  #full = null;           // the step during which the server refused events for good (storage quota)
  #work = null;           // this tab's copy of the current step's work (WorkCopy), once a task asked for one
  #since = null;          // when the current step was first shown on this device (performance.timeOrigin + onset)
  #ready; #isReady;       // settles once this tab owns its stream and has read its copies

  constructor(token, onStatus = () => {}) {
    this.#token = token;
    this.#onStatus = onStatus;
    this.#stream = sessionStorage.getItem(`selfref.stream.${token}`) ?? randomStream();
    this.#ready = new Promise(resolve => { this.#isReady = resolve; });
  }

  /** Events produced but not yet acknowledged. */
  get pending() { return this.#state.pending.length + this.#early.length; }
  /** Highest event number of this tab's stream the server holds durably. */
  get acknowledged() { return this.#state.acked; }
  /** Number the next event gets. */
  get next() { return this.#state.next + this.#early.length; }
  get stream() { return this.#stream; }

  /**
   * A new step is being shown. Its clock starts provisionally now and for good at the frame
   * that first shows it (setOnset); events logged in between are moved onto the final clock.
   */
  beginStep(stepId, provisionalOnset = performance.now()) {
    if (stepId !== this.#step) {
      // The session moved on: the work of other steps is of no use to any tab any more.
      WorkCopy.sweep(this.#token, stepId);
      if (this.#work && this.#work.step !== stepId) this.#work = null;
      this.#since = null;
    }
    this.#step = stepId;
    this.#onset = provisionalOnset;
    this.#sinceBegin = [];
  }

  /** The step's onset: the time of the first frame showing it (same clock as event.timeStamp). */
  setOnset(onset) {
    const shift = onset - this.#onset;
    for (const e of this.#sinceBegin ?? []) e.t -= shift;
    this.#sinceBegin = null;
    this.#onset = onset;
    this.#since ??= performance.timeOrigin + onset;
    if (this.#work?.step === this.#step) this.#work.since = performance.timeOrigin + onset;
    this.#save();
  }

  /** Milliseconds since the current step was first shown on this device (0 on its first showing, until its onset frame). */
  elapsed() {
    return this.#since === null ? 0 : Math.max(0, performance.timeOrigin + performance.now() - this.#since);
  }

  /**
   * What the participant did in the current step before this page showed it — in an earlier load
   * of this tab (a reload, a language switch) or in another tab of the session — as this device
   * keeps it: the step's events of the types asked for, oldest first, as { type, data, t, at,
   * stream } (at: ms since 1970 on a clock every page load shares; stream: the tab). Types in
   * `latest` give only their newest event. From now on the step's events of these types are kept
   * after the server has them too, until the step changes, so that the next load can redraw them.
   * Nothing returned is logged again.
   */
  async restore(every, latest = []) {
    await this.#ready;
    const step = this.#step;
    if (this.#work?.step !== step) this.#work = WorkCopy.create(workKey(this.#token, this.#stream), step);
    this.#work.declare(every, latest);
    const types = new Set([...every, ...latest]);
    const found = new Map();
    const take = (stream, events) => {
      for (const e of events) {
        if ((e.step !== undefined && e.step !== step) || !types.has(e.type)) continue;
        found.set(`${stream}:${e.n}`, { type: e.type, data: e.data, t: e.t, at: e.at ?? 0, stream, n: e.n });
      }
    };
    const streams = new Set([this.#stream]);
    for (const key of Object.keys(localStorage)) if (key.startsWith(outboxPrefix(this.#token))) streams.add(key.slice(outboxPrefix(this.#token).length));
    for (const [stream] of WorkCopy.keysOf(this.#token)) streams.add(stream);
    for (const stream of streams) {
      const own = stream === this.#stream;
      const work = own ? this.#work : WorkCopy.load(workKey(this.#token, stream));
      if (work?.step === step) {
        take(stream, work.events());
        if (work.since !== null && (this.#since === null || work.since < this.#since)) this.#since = work.since;
      }
      take(stream, own ? [...this.#state.pending, ...this.#early] : read(outboxKey(this.#token, stream))?.pending ?? []);
    }
    const events = [...found.values()].sort((a, b) => a.at - b.at || (a.stream === b.stream ? a.n - b.n : 0));
    const newest = new Map(events.filter(e => latest.includes(e.type)).map(e => [e.type, e]));
    return events.filter(e => !latest.includes(e.type) || newest.get(e.type) === e);
  }

  /** Milliseconds since the step's onset frame for a DOM event (event.timeStamp) or now. */
  stamp(event) {
    const at = event && typeof event.timeStamp === 'number' && event.timeStamp > 0 ? event.timeStamp : performance.now();
    return at - this.#onset;
  }

  /** Whether the server takes no more events of the current step (its storage quota for the session is used up). */
  get storageFull() { return this.#full !== null && this.#full === this.#step; }

  /** Records an event of the current step; `t` is ms since the step's onset. */
  log(type, data = null, t = this.stamp()) {
    if (!this.#step || this.#stopped || this.storageFull) return;
    // `at` puts the event on a clock every page load shares, for ordering what several loads and tabs kept.
    const e = { step: this.#step, t, at: Math.round((performance.timeOrigin + this.#onset + t) * 1000) / 1000, type, data };
    this.#sinceBegin?.push(e);
    if (!this.#key) { this.#early.push(e); return; }
    e.n = this.#state.next++;
    this.#state.pending.push(e);
    this.#save();
    this.flush();
  }

  /**
   * Takes this tab's stream and numbers what was logged so far; connects to the server once
   * `connectWhen` settles. Until then events are kept (numbered, in localStorage) as while offline:
   * the page starts the connection after it has shown the first step, so that loading and starting
   * SignalR's client does not hold up the first view (issue 17.4).
   */
  async start({ connectWhen = Promise.resolve() } = {}) {
    while (!(await claim(this.#token, this.#stream))) this.#stream = randomStream();
    sessionStorage.setItem(`selfref.stream.${this.#token}`, this.#stream);
    this.#key = outboxKey(this.#token, this.#stream);
    this.#state = read(this.#key) ?? this.#state;
    for (const e of this.#early.splice(0)) {
      e.n = this.#state.next++;
      this.#state.pending.push(e);
    }
    // The work this tab kept before a reload: what it acknowledges from now on of that step is kept too.
    const work = WorkCopy.load(workKey(this.#token, this.#stream));
    if (work && this.#step !== null && work.step !== this.#step) work.remove();
    else this.#work ??= work;
    this.#save();
    this.#isReady();

    await connectWhen;
    await loadSignalR(() => this.#stopped);
    // The script's load event comes in the task that evaluated it: connecting (the client's set-up,
    // the negotiation) waits for a task of its own, so that a phone's main thread is not held for
    // both at once (issue 17.4).
    await sleep(0);
    if (this.#stopped) return;
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(`/hubs/participant?session=${encodeURIComponent(this.#token)}`)
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(5000, 250 * 2 ** ctx.previousRetryCount) })
      .build();
    connection.onreconnecting(() => this.#status());
    connection.onreconnected(() => this.#resume());
    // Automatic reconnect gives up only when told to; if the connection closes anyway, start again.
    connection.onclose(() => { if (!this.#stopped) setTimeout(() => this.#connect(), 2000); });
    this.#connection = connection;
    window.addEventListener('online', () => this.flush());
    await this.#connect();
    this.#adoptOrphans();
  }

  /** Resolves once every event produced so far, here and left by closed tabs, is acknowledged. */
  whenFlushed() {
    const own = this.pending === 0 ? Promise.resolve() : new Promise(resolve => this.#waiters.push(resolve));
    return Promise.all([own, ...this.#adoptions]);
  }

  /**
   * The session is gone (the participant withdrew): forget its unsent events on this device,
   * in every tab's outbox, and stop sending.
   */
  async stop() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#state.pending = [];
    this.#early = [];
    this.#key = null;
    this.#work = null;
    const prefix = outboxPrefix(this.#token);
    for (const key of Object.keys(localStorage)) if (key.startsWith(prefix)) localStorage.removeItem(key);
    WorkCopy.sweep(this.#token);
    sessionStorage.removeItem(`selfref.stream.${this.#token}`);
    this.#settle();
    this.#onStatus({ connected: false, pending: 0, acknowledged: this.#state.acked });
    await this.#connection?.stop().catch(() => {});
  }

  flush() {
    if (this.#stopped) return;
    const connection = this.#connection;
    if (this.#inflight || !connection || connection.state !== signalR.HubConnectionState.Connected) return this.#status();
    if (this.#state.pending.length === 0) return this.#status();
    const batch = batchOf(this.#state.pending, this.#stream);
    this.#inflight = true;
    this.#status();
    connection.invoke('Append', this.#token, batch)
      .then(durable => { this.#inflight = false; this.#acknowledge(durable); this.flush(); })
      .catch(error => {
        this.#inflight = false;
        this.#refused(String(error?.message ?? error), batch.events.length);
        clearTimeout(this.#retryTimer);
        this.#retryTimer = setTimeout(() => this.flush(), 1500);
        this.#status();
      });
  }

  // The server refuses a batch for good ("batch refused: …") or fails to take it for now
  // (connection lost, server busy); only the second is worth sending again as it is.
  #refused(message, count) {
    if (!message.includes('batch refused')) {
      console.warn('SelfRef: batch not stored yet, will send again', message);
      return;
    }
    if (message.includes('sequence gap')) { this.#resume().catch(() => {}); return; }
    if (message.includes('storage quota')) {
      // Nothing more will be stored: resending would be refused forever. What waits is dropped, the
      // numbers go on after the last stored one, and the rest of this step is not sent at all.
      console.warn('SelfRef: the session\'s storage quota is used up; events of this step are no longer sent', message);
      this.#full = this.#step;
      this.#state.pending = [];
      this.#renumberFrom(this.#state.acked + 1);
      this.#save();
      this.#settle();
      this.#status();
      return;
    }
    if (message.includes('session has ended') || message.includes('unknown session')) {
      // The session ended or its data was deleted: nothing of it will ever be stored again.
      this.#state.pending = [];
    } else {
      console.error('SelfRef: the server refused events; they are dropped so that later ones can be stored', message);
      this.#state.pending.splice(0, count);
      this.#renumberFrom(this.#state.acked + 1);
    }
    this.#save();
    this.#settle();
  }

  async #connect() {
    while (!this.#stopped) {
      try {
        if (this.#connection.state === signalR.HubConnectionState.Disconnected) await this.#connection.start();
        await this.#resume();
        return;
      } catch (error) {
        // A session deleted in another tab: the server will never know this token again.
        if (String(error?.message ?? error).includes('unknown session token')) { await this.stop(); return; }
        this.#status();
        await sleep(2000);
      }
    }
  }

  // After (re)connecting, learn what the server already holds: if this tab lost its copy
  // (cleared storage), new events are numbered after the server's so none is taken for a resend.
  async #resume() {
    const durable = await this.#connection.invoke('DurableOf', this.#token, this.#stream);
    const first = this.#state.pending[0]?.n ?? this.#state.next;
    if (durable >= this.#state.next || first > durable + 1) this.#renumberFrom(durable + 1);
    this.#acknowledge(durable);
    this.flush();
  }

  // Numbers must continue the server's without a gap or an overlap, or events would be refused or taken for resends.
  #renumberFrom(start) {
    let n = start;
    for (const e of this.#state.pending) e.n = n++;
    this.#state.next = n;
  }

  #acknowledge(durable) {
    this.#state.acked = Math.max(this.#state.acked, durable);
    const stored = this.#state.pending.filter(e => e.n <= this.#state.acked);
    if (stored.length > 0) this.#work?.add(stored);
    this.#state.pending = this.#state.pending.filter(e => e.n > this.#state.acked);
    this.#save();
    this.#settle();
    this.#status();
  }

  #settle() {
    if (this.pending === 0) this.#waiters.splice(0).forEach(resolve => resolve());
  }

  /** Events of tabs that were closed before the server had them: send them under their own streams. */
  #adoptOrphans() {
    if (!navigator.locks) return;
    const prefix = outboxPrefix(this.#token);
    for (const key of Object.keys(localStorage)) {
      if (!key.startsWith(prefix) || key === this.#key) continue;
      const stream = key.slice(prefix.length);
      this.#adoptions.push(navigator.locks.request(lockName(this.#token, stream), { ifAvailable: true },
        lock => lock ? this.#sendOrphan(key, stream) : undefined));
    }
  }

  async #sendOrphan(key, stream) {
    const state = read(key);
    while (state && state.pending.length > 0) {
      try {
        const durable = await this.#connection.invoke('DurableOf', this.#token, stream);
        state.pending = state.pending.filter(e => e.n > durable);
        if (state.pending.length === 0) break;
        let n = durable + 1;
        for (const e of state.pending) e.n = n++;
        const batch = batchOf(state.pending, stream);
        try {
          await this.#connection.invoke('Append', this.#token, batch);
          // Stored now: kept with that tab's work, so that a redraw still finds it.
          WorkCopy.load(workKey(this.#token, stream))?.add(state.pending.slice(0, batch.events.length));
        } catch (error) {
          const message = String(error?.message);
          if (!message.includes('batch refused')) throw error;
          // A used-up quota refuses the rest as well; anything else only this batch.
          state.pending.splice(0, message.includes('storage quota') ? state.pending.length : batch.events.length);
        }
        localStorage.setItem(key, JSON.stringify(state));
      } catch {
        await sleep(2000);
      }
    }
    localStorage.removeItem(key);
  }

  #status() {
    // Before the page has started the connection nothing says that the network is away: what waits is "saving", not "offline".
    const connected = navigator.onLine !== false && (this.#connection === null ? !this.#stopped : this.#connection.state === signalR.HubConnectionState.Connected);
    this.#onStatus({ connected, pending: this.pending, acknowledged: this.#state.acked, storageFull: this.storageFull });
  }

  #save() {
    if (!this.#key) return;
    try { localStorage.setItem(this.#key, JSON.stringify(this.#state)); }
    catch {
      // Unsent events come first: the copies kept only for redrawing make room for them.
      this.#work?.remove();
      WorkCopy.sweep(this.#token);
      try { localStorage.setItem(this.#key, JSON.stringify(this.#state)); }
      catch (error) { console.warn('SelfRef: could not keep events on this device', error); }
    }
  }
}

const SIGNALR_URL = '/lib/signalr/signalr.min.js';
let signalRLoading = null;

/** SignalR's client (a classic script that sets window.signalR), loaded once; tried again every 2 s while the network fails it. */
function loadSignalR(stopped) {
  signalRLoading ??= (async () => {
    while (!window.signalR && !stopped()) {
      const loaded = await new Promise(resolve => {
        const script = document.createElement('script');
        script.src = SIGNALR_URL;
        script.addEventListener('load', () => resolve(true));
        script.addEventListener('error', () => { script.remove(); resolve(false); });
        document.head.append(script);
      });
      if (!loaded) await sleep(2000);
    }
  })();
  return signalRLoading;
}

/** Resolves with the time of the next frame that shows what was just rendered: the step's onset. */
export function nextFrame() {
  return new Promise(resolve => requestAnimationFrame(time => resolve(time)));
}
