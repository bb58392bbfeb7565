// The dashboard: the researcher hub pushes each experiment's progress (ProgressSnapshot) when it
// changes, and this module writes it into that experiment's card. No polling, no reload. Every
// value goes in as text (textContent), never as HTML: pseudonyms and ids are not trusted markup.
import { el } from './dom.js';

const NOTES = {
  open: () => 'Open: new arrivals start a session.',
  paused: () => 'Paused: new arrivals are asked to come back later; started sessions can finish.',
  closed: () => 'Closed: new arrivals are thanked and turned away; started sessions can finish.',
  full: p => `Full: ${p.counts.active + p.counts.completed} active or completed sessions reach the target of ${p.target}; new arrivals are thanked and turned away.`,
};

const liveStatus = document.getElementById('live-status');

/** The same text as IndexModel.Time: UTC, to the second. */
function utc(iso) {
  return `${iso.replace('T', ' ').slice(0, 19)} UTC`;
}

function show(progress) {
  const card = [...document.querySelectorAll('[data-experiment]')].find(c => c.dataset.experiment === progress.experiment);
  if (!card) return;
  const status = card.querySelector('[data-field=status]');
  status.textContent = progress.status;
  status.className = `status status-${progress.status}`;
  card.querySelector('[data-field=statusNote]').textContent = (NOTES[progress.status] ?? NOTES.open)(progress);
  for (const button of card.querySelectorAll('.status-actions button')) button.disabled = button.value === progress.setStatus;
  for (const [name, value] of Object.entries(progress.counts)) {
    const cell = card.querySelector(`[data-count="${name}"]`);
    if (cell) cell.textContent = String(value);
  }
  card.querySelector('[data-field=target]').textContent = String(progress.target);
  for (const step of progress.steps) {
    step.cells.forEach((value, i) => {
      const cell = [...card.querySelectorAll('td[data-cell]')].find(td => td.dataset.cell === `${step.id}|${progress.conditions[i]}`);
      if (cell) cell.textContent = value ? `${value.now} / ${value.reached}` : '—';
    });
  }
  const list = card.querySelector('[data-field=recent]');
  list.replaceChildren(...progress.recent.map(r => el('li', {},
    el('a', { href: `/researcher/sessions/${encodeURIComponent(r.pseudonym)}` }, r.pseudonym), ' ',
    el('span', { class: `outcome-${r.outcome}` }, r.outcome), ' ',
    el('time', { datetime: r.at }, utc(r.at)),
    r.condition ? ` · ${r.condition}` : '')));
  card.querySelector('[data-field=recentEmpty]').hidden = progress.recent.length > 0;
  liveStatus.textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

const connection = new signalR.HubConnectionBuilder()
  .withUrl('/hubs/researcher')
  .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(10000, 500 * 2 ** ctx.previousRetryCount) })
  .build();
connection.on('progress', show);
const watch = async () => (await connection.invoke('Watch', '*')).forEach(show);
connection.onreconnecting(() => { liveStatus.textContent = 'Connection lost; reconnecting…'; });
connection.onreconnected(watch);
connection.start().then(watch).catch(() => { liveStatus.textContent = 'No live connection: reload the page to see new numbers.'; });
