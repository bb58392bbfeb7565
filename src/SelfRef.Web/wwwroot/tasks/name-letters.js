// The name-letter task (Nuttin 1985): the step's letters in a grid, in an order shuffled from a
// seed this page draws for the participant, and a neutral instruction ("pick the letters you like
// best"). The grid is logged as it appears (letters.grid: the seed and the letters in the order
// shown), so the server reads what was shown from the events and shuffles nothing itself; every
// pick and unpick is logged with its time (the click's event.timeStamp), the letter, its place and
// the pointer. The seed and the picks are kept for the tab (sessionStorage), so a reload shows the
// same grid with the same letters picked; another tab draws its own grid and logs it.
import { el, actionButton } from '../js/dom.js';

const css = document.createElement('link');
css.rel = 'stylesheet';
css.href = '/css/name-letters.css';
document.head.append(css);

/** A small seeded generator (mulberry32): the same seed gives the same order. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(letters, seed) {
  const random = generator(seed);
  const order = [...letters];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function remembered(key) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(key));
    if (saved && Number.isInteger(saved.seed) && Array.isArray(saved.picked)) return saved;
  } catch { /* a damaged copy: draw again (the new grid is logged) */ }
  return null;
}

export function render(container, step, context) {
  const { outbox, ui } = context;
  const p = step.parameters;
  const token = decodeURIComponent(location.pathname.split('/')[2] ?? '');
  const key = `selfref.letters.${token}.${step.id}`;
  const saved = remembered(key);
  const seed = saved?.seed ?? crypto.getRandomValues(new Uint32Array(1))[0];
  const letters = shuffled(Array.from(p.letters.normalize('NFC')), seed);
  const picked = new Set((saved?.picked ?? []).filter(letter => letters.includes(letter)));
  const keep = () => {
    try { sessionStorage.setItem(key, JSON.stringify({ seed, picked: [...picked] })); } catch { /* a reload then shows a new grid, which is logged */ }
  };
  keep();
  outbox.log('letters.grid', { seed, letters, columns: p.columns });

  const heading = el('h1', { id: 'letters-instruction', class: 'letters-instruction' }, step.instruction);
  const grid = el('div', { class: 'letter-grid', id: 'letter-grid', role: 'group', 'aria-labelledby': 'letters-instruction' });
  grid.style.setProperty('--letter-columns', String(p.columns));
  const buttons = letters.map((letter, index) => {
    const button = el('button', { type: 'button', class: 'letter', 'aria-pressed': String(picked.has(letter)) }, letter);
    button.addEventListener('click', event => {
      const pick = !picked.has(letter);
      if (pick && p.maxPicks > 0 && picked.size >= p.maxPicks) return;
      if (pick) picked.add(letter); else picked.delete(letter);
      // A click from the keyboard has no pointer type.
      outbox.log(pick ? 'letters.pick' : 'letters.unpick', { letter, index, pt: event.pointerType || 'keyboard' }, outbox.stamp(event));
      keep();
      update();
    });
    return button;
  });
  grid.append(...buttons);

  const next = actionButton(context, 'continue', ui['button.continue'], async () => {
    sessionStorage.removeItem(key);
    await context.advance();
  });

  function update() {
    const full = p.maxPicks > 0 && picked.size >= p.maxPicks;
    buttons.forEach((button, index) => {
      const on = picked.has(letters[index]);
      button.setAttribute('aria-pressed', String(on));
      button.disabled = full && !on;
    });
    next.disabled = picked.size < p.minPicks;
  }
  update();

  container.append(el('div', { class: 'letters-page' }, heading, grid, el('div', { class: 'actions' }, next)));
}
