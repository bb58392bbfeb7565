// The dashboard: the researcher hub pushes each experiment's progress (ProgressSnapshot) when it
// changes, and this module writes it into that experiment's card; when the experiment files
// change it lists the files with errors. No polling, no reload. Every value goes in as text
// (textContent), never as HTML: pseudonyms, ids and error messages are not trusted markup.
import { el } from './dom.js';

const NOTES = {
  open: () => 'Open: new arrivals start a session.',
  paused: () => 'Paused: new arrivals are asked to come back later; started sessions can finish.',
  closed: () => 'Closed: new arrivals are thanked and turned away; started sessions can finish.',
  full: p => `Full: ${p.counts.active + p.counts.completed} active or completed sessions reach the target of ${p.target}; new arrivals are thanked and turned away.`,
  'not served': () => "Not served: no valid file defines this experiment now; new arrivals get a 'not found' page, started sessions can finish on their version, and the data stays here.",
};

const liveStatus = document.getElementById('live-status');
// Each card's last snapshot and when it arrived: the monitor's times run on between pushes.
const latest = new Map();

/** The same text as IndexModel.Time: UTC, to the second. */
function utc(iso) {
  return `${iso.replace('T', ' ').slice(0, 19)} UTC`;
}

/** The same text as IndexModel.Span: "45 s", "3 min 05 s", "2 h 04 min". */
function span(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor(seconds / 60) % 60).padStart(2, '0')} min`;
}

function cardOf(experiment) {
  return [...document.querySelectorAll('[data-experiment]')].find(c => c.dataset.experiment === experiment);
}

/** The monitor's rows, with times against the server's clock at the snapshot plus what has passed since. */
function monitor(card, progress, received) {
  const now = Date.parse(progress.at) + (Date.now() - received);
  const ago = iso => span(now - Date.parse(iso));
  const body = card.querySelector('[data-field=monitor] tbody');
  if (!body) return;
  body.replaceChildren(...progress.monitor.map(a => {
    const seenNow = now - Date.parse(a.lastSeenAt) <= progress.activeWithinSeconds * 1000;
    return el('tr', { class: seenNow ? 'seen-now' : 'silent' },
      el('th', { scope: 'row' }, el('a', { href: `/researcher/sessions/${encodeURIComponent(a.pseudonym)}` }, a.pseudonym), a.pilot ? ' (pilot)' : ''),
      el('td', {}, a.condition),
      el('td', {}, a.step),
      el('td', {}, a.onStepSince ? ago(a.onStepSince) : '—'),
      el('td', {}, `${ago(a.lastSeenAt)} ago${seenNow ? '' : ' (silent)'}`),
      el('td', {}, a.lastEventType ? `${a.lastEventType}, ${ago(a.lastEventAt)} ago` : '—'));
  }));
  card.querySelector('[data-field=monitorEmpty]').hidden = progress.monitor.length > 0;
}

function show(progress) {
  const card = cardOf(progress.experiment);
  if (!card) {
    document.getElementById('experiments-changed').hidden = false;
    return;
  }
  const received = Date.now();
  latest.set(progress.experiment, { progress, received });
  const status = card.querySelector('[data-field=status]');
  status.textContent = progress.status;
  status.className = `status status-${progress.status.replace(' ', '-')}`;
  card.querySelector('[data-field=statusNote]').textContent = (NOTES[progress.status] ?? NOTES.open)(progress);
  for (const button of card.querySelectorAll('.status-actions button')) button.disabled = button.value === progress.setStatus;
  const counts = { ...progress.counts, activeNow: progress.activeNow, excluded: progress.excluded, pilots: progress.pilots };
  for (const [name, value] of Object.entries(counts)) {
    const cell = card.querySelector(`[data-count="${name}"]`);
    if (cell) cell.textContent = String(value);
  }
  card.querySelector('[data-field=target]').textContent = String(progress.target);
  for (const step of progress.steps) {
    step.cells.forEach((value, i) => {
      const cell = [...card.querySelectorAll('td[data-cell]')].find(td => td.dataset.cell === `${step.id}|${progress.conditions[i]}`);
      if (cell) cell.textContent = value ? `${value.now} / ${value.reached}` : '—';
      // A step or condition the page does not have yet (a new version of the file): the page is out of date.
      else if (value) document.getElementById('experiments-changed').hidden = false;
    });
  }
  monitor(card, progress, received);
  const list = card.querySelector('[data-field=recent]');
  list.replaceChildren(...progress.recent.map(r => el('li', {},
    el('a', { href: `/researcher/sessions/${encodeURIComponent(r.pseudonym)}` }, r.pseudonym), r.pilot ? ' (pilot)' : '', ' ',
    el('span', { class: `outcome-${r.outcome}` }, r.outcome), ' ',
    el('time', { datetime: r.at }, utc(r.at)),
    r.condition ? ` · ${r.condition}` : '')));
  card.querySelector('[data-field=recentEmpty]').hidden = progress.recent.length > 0;
  liveStatus.textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

/** The files with errors, as the server lists them when the experiment files change. */
function experiments(message) {
  const section = document.getElementById('file-problems');
  section.querySelector('[data-field=problems]').replaceChildren(...message.problems.map(p => el('li', {},
    el('strong', {}, p.file), ': ', p.consequence,
    el('ul', {}, p.errors.map(e => el('li', {}, el('code', {}, e)))))));
  section.hidden = message.problems.length === 0;
  // A filtered list leaves studies out on purpose: only an unfiltered one can miss a new file.
  if (document.getElementById('study-count')?.dataset.filtered === 'true') return;
  const shown = new Set([...document.querySelectorAll('[data-experiment]')].map(c => c.dataset.experiment));
  if (message.served.some(id => !shown.has(id))) document.getElementById('experiments-changed').hidden = false;
}

// Times in the monitor run on between pushes.
setInterval(() => {
  for (const [experiment, { progress, received }] of latest) {
    const card = cardOf(experiment);
    if (card) monitor(card, progress, received);
  }
}, 5000);

const connection = new signalR.HubConnectionBuilder()
  .withUrl('/hubs/researcher')
  .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(10000, 500 * 2 ** ctx.previousRetryCount) })
  .build();
connection.on('progress', show);
connection.on('experiments', experiments);
const watch = async () => (await connection.invoke('Watch', '*')).forEach(show);
connection.onreconnecting(() => { liveStatus.textContent = 'Connection lost; reconnecting…'; });
connection.onreconnected(watch);
connection.start().then(watch).catch(() => { liveStatus.textContent = 'No live connection: reload the page to see new numbers.'; });
