// The event client every step and task module uses. Events are numbered per session, kept in
// localStorage until the server acknowledges them as durable, and sent over SignalR; after a
// reconnect or a reload whatever is not acknowledged is sent again. The server ignores what it
// already has, so sending twice is harmless.

const MAX_BATCH = 200;

export class Outbox {
  #token; #key; #state; #connection = null; #inflight = false; #waiters = []; #onStatus;
  #onset = 0; #step = null; #retryTimer = null; #firstOfStep = 1;

  constructor(token, onStatus = () => {}) {
    this.#token = token;
    this.#key = `selfref.outbox.${token}`;
    this.#onStatus = onStatus;
    this.#state = this.#load();
  }

  /** Events produced but not yet acknowledged. */
  get pending() { return this.#state.pending.length; }
  /** Highest event number the server holds durably. */
  get acknowledged() { return this.#state.acked; }
  /** Number the next event gets. */
  get next() { return this.#state.next; }

  /**
   * A new step is being shown. Its clock starts provisionally now and for good at the frame
   * that first shows it (setOnset); events logged in between are moved onto the final clock.
   */
  beginStep(stepId, provisionalOnset = performance.now()) {
    this.#step = stepId;
    this.#onset = provisionalOnset;
    this.#firstOfStep = this.#state.next;
  }

  /** The step's onset: the time of the first frame showing it (same clock as event.timeStamp). */
  setOnset(onset) {
    const shift = onset - this.#onset;
    for (const e of this.#state.pending) if (e.step === this.#step && e.n >= this.#firstOfStep) e.t -= shift;
    this.#onset = onset;
    this.#save();
  }

  /** Milliseconds since the step's onset frame for a DOM event (event.timeStamp) or now. */
  stamp(event) {
    const at = event && typeof event.timeStamp === 'number' && event.timeStamp > 0 ? event.timeStamp : performance.now();
    return at - this.#onset;
  }

  /** Records an event of the current step; `t` is ms since the step's onset. */
  log(type, data = null, t = this.stamp()) {
    if (!this.#step) return;
    this.#state.pending.push({ n: this.#state.next++, step: this.#step, t, type, data });
    this.#save();
    this.flush();
  }

  async start() {
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(`/hubs/participant?session=${encodeURIComponent(this.#token)}`)
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(5000, 250 * 2 ** ctx.previousRetryCount) })
      .build();
    connection.onreconnecting(() => this.#status());
    connection.onreconnected(() => this.#resume());
    // Automatic reconnect gives up only when told to; if the connection closes anyway, start again.
    connection.onclose(() => setTimeout(() => this.#connect(), 2000));
    this.#connection = connection;
    window.addEventListener('online', () => this.flush());
    await this.#connect();
  }

  /** Resolves once every event produced so far is acknowledged. */
  whenFlushed() {
    if (this.#state.pending.length === 0) return Promise.resolve();
    return new Promise(resolve => this.#waiters.push(resolve));
  }

  flush() {
    const connection = this.#connection;
    if (this.#inflight || !connection || connection.state !== signalR.HubConnectionState.Connected) return this.#status();
    const pending = this.#state.pending;
    if (pending.length === 0) return this.#status();
    const step = pending[0].step;
    const events = [];
    for (const e of pending) {
      if (e.step !== step || events.length === MAX_BATCH) break;
      events.push({ t: e.t, type: e.type, data: e.data });
    }
    this.#inflight = true;
    this.#status();
    connection.invoke('Append', this.#token, { seq: pending[0].n, step, events })
      .then(durable => { this.#inflight = false; this.#acknowledge(durable); this.flush(); })
      .catch(error => {
        this.#inflight = false;
        this.#refused(String(error?.message ?? error), events.length);
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
    if (message.includes('session has ended')) {
      this.#state.pending = [];
    } else {
      console.error('SelfRef: the server refused events; they are dropped so that later ones can be stored', message);
      this.#state.pending.splice(0, count);
      this.#renumberFrom(this.#state.acked + 1);
    }
    this.#save();
    if (this.#state.pending.length === 0) this.#waiters.splice(0).forEach(resolve => resolve());
  }

  async #connect() {
    while (true) {
      try {
        if (this.#connection.state === signalR.HubConnectionState.Disconnected) await this.#connection.start();
        await this.#resume();
        return;
      } catch (error) {
        this.#status();
        await new Promise(resolve => setTimeout(resolve, 2000));
      }
    }
  }

  // After (re)connecting, learn what the server already holds: if this browser lost its copy
  // (cleared storage), new events are numbered after the server's so none is taken for a resend.
  async #resume() {
    const durable = await this.#connection.invoke('Durable', this.#token);
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
    this.#state.pending = this.#state.pending.filter(e => e.n > this.#state.acked);
    this.#save();
    if (this.#state.pending.length === 0) this.#waiters.splice(0).forEach(resolve => resolve());
    this.#status();
  }

  #status() {
    const connected = this.#connection?.state === signalR.HubConnectionState.Connected && navigator.onLine !== false;
    this.#onStatus({ connected, pending: this.#state.pending.length, acknowledged: this.#state.acked });
  }

  #load() {
    try {
      const saved = JSON.parse(localStorage.getItem(this.#key));
      if (saved && Array.isArray(saved.pending)) return saved;
    } catch { /* a damaged copy is replaced; the server still has what it acknowledged */ }
    return { next: 1, acked: 0, pending: [] };
  }

  #save() {
    try { localStorage.setItem(this.#key, JSON.stringify(this.#state)); }
    catch (error) { console.warn('SelfRef: could not keep events on this device', error); }
  }
}

/** Resolves with the time of the next frame that shows what was just rendered: the step's onset. */
export function nextFrame() {
  return new Promise(resolve => requestAnimationFrame(time => resolve(time)));
}
