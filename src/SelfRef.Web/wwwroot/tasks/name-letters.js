// The name-letter task (Nuttin 1985): the step's letters in a grid, in an order shuffled from a
// seed this page draws for the participant, and a neutral instruction ("pick the letters you like
// best"). The grid is logged as it appears (letters.grid: the seed and the letters in the order
// shown), so the server reads what was shown from the events and shuffles nothing itself; every
// pick and unpick is logged with its time (the click's event.timeStamp), the letter, its place and
// the pointer. After a reload or in another tab the page shows the newest grid with the letters
// picked so far, from the outbox's copy of the step's events (outbox.restore, as the other tasks
// redraw their work), so nothing of it is kept anywhere else and a withdrawal drops it with the rest.
import { el, actionButton, stylesheet } from '../js/dom.js';

stylesheet('/css/name-letters.css');

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

export async function render(container, step, context) {
  const { outbox, ui } = context;
  const p = step.parameters;
  // What earlier loads of the step showed and picked: the newest grid, and every pick and unpick in order.
  const earlier = await outbox.restore(['letters.pick', 'letters.unpick'], ['letters.grid']);
  const shownBefore = earlier.find(e => e.type === 'letters.grid')?.data;
  const seed = Number.isInteger(shownBefore?.seed) ? shownBefore.seed : crypto.getRandomValues(new Uint32Array(1))[0];
  const letters = shuffled(Array.from(p.letters.normalize('NFC')), seed);
  const picked = new Set();
  for (const e of earlier) {
    if (e.type === 'letters.pick' && letters.includes(e.data?.letter)) picked.add(e.data.letter);
    else if (e.type === 'letters.unpick') picked.delete(e.data?.letter);
  }
  // Each page load logs the grid it shows (the derivation reads which grid a pick was made on).
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
      update();
    });
    return button;
  });
  grid.append(...buttons);

  const next = actionButton(context, 'continue', ui['button.continue'], () => context.advance());

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
