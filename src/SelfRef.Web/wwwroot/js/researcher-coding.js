// The blind coding queue: codes, skips and undo go through fetch and the next answer is drawn into
// the page without a reload (the forms still work without this module). Number keys press the code
// buttons, S skips, U undoes; after every change the focus moves to the answer's heading and the
// status line says what happened, so a screen reader hears it.
import { penReplay } from './pen-replay.js';

const root = document.getElementById('coding');
const base = `/researcher/experiments/${encodeURIComponent(root.dataset.experiment)}/coding`;
const token = root.dataset.token;
const section = root.querySelector('section.coding');
const form = document.getElementById('code-form');
const status = document.getElementById('coding-status');
const done = document.getElementById('coding-done');
const skipLink = document.getElementById('skip');
const undoButton = document.getElementById('undo');
const heading = document.getElementById('item-heading');
const canvas = document.getElementById('replay-canvas');
const sheet = document.getElementById('sheet-image');
const skipped = [];
let current = form.elements.session.value ? { session: form.elements.session.value, step: form.elements.step.value } : null;
let busy = false;

penReplay(canvas, document.getElementById('replay'), sheet);

const field = name => root.querySelector(`[data-field="${name}"]`);

function show(answer, message) {
  const { item, progress } = answer;
  current = item;
  document.getElementById('coding-progress').textContent =
    `you have coded ${progress.coded} of ${progress.codable} answers; ${progress.waiting} wait for you`;
  section.hidden = !item;
  skipLink.hidden = !item;
  done.hidden = !!item;
  if (!item) {
    done.textContent = skipped.length > 0
      ? `Nothing left but the ${skipped.length} answer(s) you skipped. Reload the page to see them again.`
      : 'Nothing left to code for you. Thank you!';
  } else {
    field('session').textContent = item.session;
    field('hint').textContent = item.hint;
    field('name').textContent = item.name;
    const word = document.getElementById('first-word');
    word.hidden = !item.firstWord;
    if (item.firstWord) word.src = item.firstWord; else word.removeAttribute('src');
    form.elements.session.value = item.session;
    form.elements.step.value = item.step;
    form.elements.note.value = item.yourNote ?? '';
    document.getElementById('your-code').hidden = !item.yourCode;
    field('yourCode').textContent = item.yourCode ?? '';
    canvas.dataset.strokes = item.strokes;
    canvas.hidden = true;
    sheet.hidden = false;
    sheet.src = item.sheet;
    skipLink.href = `?skip=${encodeURIComponent(`${item.session}/${item.step}`)}`;
  }
  status.textContent = [message, item ? `Next: participant ${item.session}.` : ''].filter(Boolean).join(' ');
  (item ? heading : done).focus({ preventScroll: false });
}

async function call(path, body) {
  if (busy) return;
  busy = true;
  try {
    const response = await fetch(`${base}/${path}`, body === undefined
      ? { headers: { Accept: 'application/json' } }
      : { method: 'POST', headers: { 'Content-Type': 'application/json', RequestVerificationToken: token }, body: JSON.stringify(body) });
    if (!response.ok) {
      status.textContent = `Not saved: the server answered ${response.status} (${(await response.text()).slice(0, 200)}).`;
      return;
    }
    const answer = await response.json();
    show(answer, answer.message);
  } catch (e) {
    status.textContent = `Not saved: ${e.message}. Check the connection and try again.`;
  } finally {
    busy = false;
  }
}

done.tabIndex = -1;

form.addEventListener('submit', e => {
  e.preventDefault();
  const value = e.submitter?.value;
  if (!current || !value) return;
  call('codes', { session: current.session, step: current.step, value, note: form.elements.note.value, skipped });
});

function skip() {
  if (!current) return;
  skipped.push(`${current.session}/${current.step}`);
  call(`next?skip=${encodeURIComponent(skipped.join(','))}`);
}

skipLink.addEventListener('click', e => { e.preventDefault(); skip(); });
undoButton.form.addEventListener('submit', e => { e.preventDefault(); call('undo', {}); });

document.addEventListener('keydown', e => {
  if (e.altKey || e.ctrlKey || e.metaKey || ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName)) return;
  const key = e.key.toLowerCase();
  if (key === 's') { e.preventDefault(); skip(); return; }
  if (key === 'u') { e.preventDefault(); call('undo', {}); return; }
  const button = form.querySelector(`button[data-key="${key}"]`);
  if (button && current) { e.preventDefault(); button.click(); }
});
