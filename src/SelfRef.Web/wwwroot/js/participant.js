// The participant's page: asks the server for the current step, shows it, and reports what
// the participant does. The server decides the step, so a reload resumes exactly there; a task
// redraws what the participant had done in it from this device's copy (outbox.restore).
import { Outbox, nextFrame } from './outbox.js';
import { el, format } from './dom.js';

const token = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const main = document.getElementById('step');
const saveStatus = document.getElementById('save-status');
const notice = document.getElementById('notice');
let state = null;
let ui = {};
// Steps the page shows itself; every other step type is a task module.
const builtInSteps = ['consent', 'instructions', 'questionnaire', 'debrief'];

const outbox = new Outbox(token, ({ connected, pending, storageFull }) => {
  saveStatus.classList.toggle('offline', !connected && pending > 0);
  saveStatus.textContent = !connected && pending > 0 ? ui['save.offline'] ?? ''
    : pending > 0 ? ui['save.saving'] ?? '' : '';
  showStorageFull(storageFull);
});

// The server stores nothing more of this step (the session's storage quota is used up): in a
// task, say so in an alert region that screen readers announce, and let the participant go on. On
// the page's own steps only the page's events are lost, never answers (they are sent with
// "Continue"), so nothing is said there.
function showStorageFull(full) {
  const inTask = state !== null && !builtInSteps.includes(state.step.type);
  const text = full && inTask ? ui['save.quotaFull'] ?? '' : '';
  if (notice.textContent !== text) notice.textContent = text;
}

// Visible to tests and to the browser console, for checking what is still unsent.
window.selfref = { outbox };

async function api(path, body) {
  const options = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  // A flaky network must not lose the click: try again until the server answers.
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`/api/p/${encodeURIComponent(token)}${path}`, options);
      const json = await response.json().catch(() => ({}));
      return { ok: response.ok, status: response.status, json };
    } catch {
      saveStatus.textContent = ui['save.offline'] ?? '';
      saveStatus.classList.add('offline');
      await new Promise(resolve => setTimeout(resolve, Math.min(5000, 500 * 2 ** attempt)));
    }
  }
}

const context = {
  outbox,
  get ui() { return ui; },
  get state() { return state; },
  async advance(answers) {
    const result = await api('/advance', { step: state.step.id, answers });
    if (result.ok) await show(result.json);
    return result;
  },
  async decline() {
    const result = await api('/decline', {});
    if (result.ok) await show(result.json);
    return result;
  },
};

// Withdrawal: everything of the session is deleted on the server; this device forgets its unsent
// events and stops sending, and the page says that the data is gone.
async function withdraw() {
  const result = await api('/withdraw', {});
  if (!result.ok && result.status !== 404) return;
  await outbox.stop();
  ui = result.json.ui ?? ui;
  state = null;
  document.getElementById('progress').textContent = '';
  document.getElementById('language').replaceChildren();
  document.getElementById('privacy-links').replaceChildren();
  saveStatus.textContent = '';
  notice.textContent = '';
  main.replaceChildren(el('h1', { id: 'withdrawn' }, ui['withdrawn.title']), el('p', { class: 'text' }, ui['withdrawn.text']));
  main.focus();
}

function confirmWithdrawal() {
  const dialog = el('dialog', { id: 'withdraw-dialog', 'aria-labelledby': 'withdraw-title', 'aria-describedby': 'withdraw-text' },
    el('h2', { id: 'withdraw-title' }, ui['withdraw.confirmTitle']),
    el('p', { id: 'withdraw-text' }, ui['withdraw.confirmText']));
  const yes = el('button', { type: 'button', id: 'withdraw-confirm' }, ui['withdraw.confirm']);
  const no = el('button', { type: 'button', id: 'withdraw-cancel', class: 'secondary' }, ui['withdraw.cancel']);
  dialog.append(el('div', { class: 'actions' }, yes, no));
  no.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  yes.addEventListener('click', async () => {
    yes.disabled = no.disabled = true;
    await withdraw();
    dialog.close();
  });
  document.body.append(dialog);
  dialog.showModal();
  no.focus();
}

async function show(next) {
  state = next;
  ui = next.ui;
  document.documentElement.lang = next.language;
  document.title = next.title;
  renderChrome(next);
  const module = await stepModule(next);
  main.replaceChildren();
  // A step's own layout (the pen sheet's, the map's) ends with the step.
  main.className = 'page';
  outbox.beginStep(next.step.id);
  showStorageFull(outbox.storageFull);
  await module.render(main, next.step, context);
  main.focus();
  // The step's clock starts at the frame that first shows it; what the participant does is timed from there.
  const onset = await nextFrame();
  outbox.setOnset(onset);
  if (next.status === 'active' || next.status === 'completed') {
    outbox.log('step.onset', {
      index: next.step.index,
      wall: Date.now(),
      timeOrigin: performance.timeOrigin,
      // The onset on a clock every page load shares: the server puts a reloaded step's events on its first onset's clock with it.
      at: performance.timeOrigin + onset,
      viewport: { width: innerWidth, height: innerHeight },
      coarsePointer: matchMedia('(pointer: coarse)').matches,
    }, 0);
  }
}

async function stepModule(view) {
  if (view.status === 'declined') return import('./steps/declined.js');
  return builtInSteps.includes(view.step.type) ? import(`./steps/${view.step.type}.js`) : import(`../tasks/${view.step.type}.js`);
}

function renderChrome(view) {
  const links = document.getElementById('privacy-links');
  links.replaceChildren();
  if (view.privacyUrl) links.append(el('a', { href: view.privacyUrl, id: 'privacy-link', target: '_blank', rel: 'noopener' }, ui['privacy.link']));
  // Withdrawing means something only once the participant has agreed (consent always comes first).
  if ((view.status === 'active' || view.status === 'completed') && view.step.type !== 'consent') {
    const button = el('button', { type: 'button', id: 'withdraw', class: 'link' }, ui['withdraw.button']);
    button.addEventListener('click', confirmWithdrawal);
    links.append(button);
  }
  const progress = document.getElementById('progress');
  progress.textContent = view.status === 'declined' ? '' : format(ui['app.stepOf'], view.step.index + 1, view.step.count);
  // Each language by its own name (Deutsch, English, Français), named by the server (LanguageTags.Autonym).
  const holder = document.getElementById('language');
  holder.replaceChildren();
  if (view.languages.length < 2 || view.status === 'declined') return;
  const select = el('select', { id: 'language-select' }, ...view.languages.map(code =>
    el('option', { value: code, selected: code === view.language, lang: code }, view.languageNames?.[code] ?? code)));
  select.addEventListener('change', async () => {
    const result = await api(`?lang=${encodeURIComponent(select.value)}`);
    if (result.ok) await show(result.json);
  });
  holder.append(el('label', { for: 'language-select' }, ui['app.language']), select);
}

document.addEventListener('visibilitychange', event =>
  outbox.log('page.visibility', { state: document.visibilityState }, outbox.stamp(event)));

async function start() {
  const lang = new URLSearchParams(location.search).get('lang');
  const first = await api(lang ? `?lang=${encodeURIComponent(lang)}` : '');
  if (first.status === 404 && first.json.ui) {
    ui = first.json.ui;
    document.documentElement.lang = first.json.language;
    main.replaceChildren(el('h1', {}, ui['app.linkInvalid']), el('p', {}, ui['app.sessionNotFound']));
    return;
  }
  if (!first.ok) {
    // No words from the server: say it in the two languages the first users read.
    main.replaceChildren(el('h1', {}, first.status === 404 ? 'Link not valid · Link ungültig' : 'Error · Fehler'),
      el('p', { lang: 'en' }, 'This link is not valid (any more). Please use the link you were given for the study.'),
      el('p', { lang: 'de' }, 'Dieser Link ist nicht (mehr) gültig. Bitte verwenden Sie den Link, den Sie für die Studie erhalten haben.'));
    return;
  }
  ui = first.json.ui;
  // The connection (SignalR's client, its negotiation, the socket) waits until the first step is on
  // screen and the page is idle; what the participant does before is kept and sent then, in order,
  // with the times it happened (outbox.js).
  let shown;
  outbox.start({ connectWhen: new Promise(resolve => { shown = resolve; }).then(idle) });
  try { await show(first.json); } finally { shown(); }
}

/** Resolves when the browser has nothing urgent to do (at the latest after 2 s), or after a frame where it cannot tell. */
function idle() {
  return new Promise(resolve => {
    if ('requestIdleCallback' in window) requestIdleCallback(() => resolve(), { timeout: 2000 });
    else setTimeout(resolve, 50);
  });
}

start();
