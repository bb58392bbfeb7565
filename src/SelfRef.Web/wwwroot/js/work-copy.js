// What a tab keeps of the participant's work in the current step so that a reload (or another
// tab) can redraw it: the step's events of the types the task asked for (Outbox.restore), once
// the server has them (until then they are in the outbox's own copy). Only the current step is
// kept; the copy is dropped when the session moves on.
//
// localStorage holds about 5 MB per site in some browsers, shared by every tab's unsent events:
// the copy is kept in chunks, so that an acknowledgement rewrites only the newest one, and stops
// growing at BUDGET characters (a reload then redraws the work up to that point). Types kept as
// "latest" (a text box's whole text, a map's view) keep only their newest event. Unsent events
// always come first: the outbox drops these copies when it cannot store its own.

const CHUNK = 32_000;       // characters per stored chunk
const BUDGET = 1_000_000;   // characters per tab: about 25,000 pen points, minutes of writing

export const workPrefix = token => `selfref.work.${token}.`;
export const workKey = (token, stream) => `${workPrefix(token)}${stream}`;

function readJson(key) {
  try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
}

/** Removes every stored piece of one tab's copy (its record and its chunks). */
function removeAll(key) {
  for (const k of Object.keys(localStorage)) if (k === key || k.startsWith(`${key}.`)) localStorage.removeItem(k);
}

export class WorkCopy {
  #key; #meta; #tail; #tailSize; #gone = false;

  constructor(key, meta, tail = []) {
    this.#key = key;
    this.#meta = meta;
    this.#tail = tail;
    this.#tailSize = JSON.stringify(tail).length;
  }

  /** A new, empty copy for a step (stored once something is declared or kept). */
  static create(key, step) {
    return new WorkCopy(key, { step, since: null, every: [], latest: [], last: {}, chunks: 1, size: 0, full: false });
  }

  /** The stored copy under `key`, or null. */
  static load(key) {
    const meta = readJson(key);
    if (!meta || typeof meta.step !== 'string' || !Array.isArray(meta.every) || !Array.isArray(meta.latest)) return null;
    meta.last ??= {};
    meta.chunks = Math.max(1, meta.chunks | 0);
    const tail = readJson(`${key}.${meta.chunks - 1}`);
    return new WorkCopy(key, meta, Array.isArray(tail) ? tail : []);
  }

  get step() { return this.#meta.step; }
  /** performance.timeOrigin + onset of the first page load that showed the step here, or null. */
  get since() { return this.#meta.since; }

  set since(at) {
    if (this.#meta.since !== null) return;
    this.#meta.since = at;
    this.#write(this.#key, this.#meta);
  }

  /** The task's types to keep: every event (`every`) or only the newest of each type (`latest`). */
  declare(every, latest) {
    const merged = (have, more) => [...new Set([...have, ...more])];
    this.#meta.every = merged(this.#meta.every, every);
    this.#meta.latest = merged(this.#meta.latest, latest);
    this.#write(this.#key, this.#meta);
  }

  /** Keeps the acknowledged events of its step and types (others are ignored). */
  add(events) {
    let changed = false, grew = false;
    for (const e of events) {
      if (e.step !== this.#meta.step) continue;
      const kept = { n: e.n, t: e.t, at: e.at, type: e.type, data: e.data };
      if (this.#meta.latest.includes(e.type)) {
        this.#meta.last[e.type] = kept;
        changed = true;
      } else if (this.#meta.every.includes(e.type) && !this.#meta.full) {
        const size = JSON.stringify(kept).length + 1;
        if (this.#meta.size + size > BUDGET) { this.#meta.full = true; changed = true; continue; }
        if (this.#tailSize + size > CHUNK && this.#tail.length > 0) {
          // The full chunk stays as written; the next one starts.
          this.#meta.chunks++;
          this.#tail = [];
          this.#tailSize = 2;
        }
        this.#tail.push(kept);
        this.#tailSize += size;
        this.#meta.size += size;
        changed = grew = true;
      }
    }
    if (grew && !this.#write(`${this.#key}.${this.#meta.chunks - 1}`, this.#tail)) this.#meta.full = true;
    if (changed) this.#write(this.#key, this.#meta);
  }

  /** Everything kept, in the order it was kept (the newest of each "latest" type last). */
  events() {
    const chunks = [];
    for (let i = 0; i < this.#meta.chunks - 1; i++) {
      const chunk = readJson(`${this.#key}.${i}`);
      if (Array.isArray(chunk)) chunks.push(...chunk);
    }
    return [...chunks, ...this.#tail, ...Object.values(this.#meta.last)];
  }

  /** Forgets the copy, here and in storage; nothing more is kept. */
  remove() {
    removeAll(this.#key);
    this.#gone = true;
    this.#meta = { ...this.#meta, every: [], latest: [], last: {}, full: true };
    this.#tail = [];
  }

  #write(key, value) {
    if (this.#gone) return false;
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch {
      // Storage is full: this copy is only for redrawing, so it gives way.
      return false;
    }
  }

  /** Every tab's copy of a session: [stream, key] pairs. */
  static keysOf(token) {
    const prefix = workPrefix(token);
    return Object.keys(localStorage)
      .filter(k => k.startsWith(prefix) && !k.slice(prefix.length).includes('.'))
      .map(k => [k.slice(prefix.length), k]);
  }

  /** Removes every tab's copy of a session, or those of other steps than `step`. */
  static sweep(token, step = null) {
    for (const [, key] of WorkCopy.keysOf(token)) {
      if (step !== null && readJson(key)?.step === step) continue;
      removeAll(key);
    }
  }
}
