// The pen task: a blank sheet and a pen. Every point of every stroke is logged with its own
// time (event.timeStamp, relative to the frame that first showed the sheet), its pressure and
// tilt, from pointer events, so mouse, finger and stylus all work. The keyboard variant logs
// every keystroke and the text after every edit, so a first word that is later deleted is known.
// After a reload (or in another tab) the sheet shows the strokes, and the text box the text, the
// participant left there; nothing shown again is logged again, and the time limits count from
// when the sheet was first shown.
import { el, actionButton, stylesheet } from '../js/dom.js';

stylesheet('/css/pen.css');

const round = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function render(container, step, context) {
  const p = step.parameters;
  const area = p.input === 'keyboard' ? await keyboardSheet(step, context) : await drawingSheet(step, context);
  const shown = context.outbox.elapsed();
  const done = p.showDone ? actionButton(context, 'pen-done', context.ui['pen.done'], () => finish('done')) : null;
  const wait = el('p', { class: 'hint', id: 'pen-wait', hidden: true }, context.ui['pen.wait']);
  let finished = false;
  const finish = async reason => {
    if (finished) return;
    finished = true;
    area.stop();
    if (reason === 'timeout') context.outbox.log('pen.timeout', { seconds: p.maxDurationSeconds });
    await context.advance();
  };
  if (done && p.minDurationSeconds > 0) {
    done.disabled = true;
    wait.hidden = false;
    setTimeout(() => { done.disabled = false; wait.hidden = true; }, Math.max(0, p.minDurationSeconds * 1000 - shown));
  }
  if (p.maxDurationSeconds > 0) setTimeout(() => finish('timeout'), Math.max(0, p.maxDurationSeconds * 1000 - shown));
  container.classList.add('pen-page');
  container.append(
    area.instruction,
    area.element,
    el('div', { class: 'actions pen-actions' }, area.clear ?? null, done, wait));
}

/** The strokes on the sheet before this page showed it, from the kept pen events (keyed by tab and stroke number). */
function earlierStrokes(events) {
  let strokes = new Map();
  let highest = -1;
  for (const e of events) {
    const key = `${e.stream}:${e.data?.s}`;
    if (e.type === 'pen.down') {
      strokes.set(key, [[e.data.x, e.data.y, e.t, e.data.p ?? 0.5]]);
      highest = Math.max(highest, e.data.s);
    } else if (e.type === 'pen.points') strokes.get(key)?.push(...e.data.pts);
    else if (e.type === 'pen.clear') strokes = new Map();
  }
  return { strokes: [...strokes.values()], next: highest + 1 };
}

async function drawingSheet(step, context) {
  const { outbox, ui } = context;
  const earlier = earlierStrokes(await outbox.restore(['pen.down', 'pen.points', 'pen.clear']));
  const canvas = el('canvas', { class: 'pen-sheet', id: 'pen-sheet', role: 'img', 'aria-label': `${ui['pen.sheet']}: ${step.instruction}` });
  const instruction = el('h1', { class: 'pen-instruction' }, step.instruction);
  const holder = el('div', { class: 'pen-holder' }, canvas);
  const strokes = earlier.strokes;  // what is on the sheet, for redrawing after a resize
  let active = null;           // the stroke being drawn: { id, pointerId, points }
  // Stroke numbers go on after the restored strokes, and after every number this tab used in the
  // step (kept per tab, for a sheet too long to be kept whole), so that the tab never uses one twice.
  const counterKey = `selfref.pen.${context.state.step.id}.${outbox.stream}`;
  let strokeCount = Math.max(earlier.next, Number(sessionStorage.getItem(counterKey)) || 0);
  let buffered = [];           // points not yet logged; flushed once per frame
  let frame = 0;
  let stopped = false;
  const g = canvas.getContext('2d');

  const position = e => {
    const box = canvas.getBoundingClientRect();
    return [round((e.clientX - box.left) / box.width, 5), round((e.clientY - box.top) / box.height, 5)];
  };
  const point = e => {
    const [x, y] = position(e);
    // Mouse buttons report 0.5 while pressed; pens report real pressure.
    return [x, y, round(outbox.stamp(e), 2), round(e.pressure ?? 0.5, 3), e.tiltX ?? 0, e.tiltY ?? 0];
  };

  const resize = () => {
    const box = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    redraw();
    outbox.log('pen.sheet', { width: Math.round(box.width), height: Math.round(box.height), ratio });
  };

  const flush = () => {
    frame = 0;
    if (!active || buffered.length === 0) return;
    const pts = buffered;
    buffered = [];
    outbox.log('pen.points', { s: active.id, pts }, pts[pts.length - 1][2]);
  };

  canvas.addEventListener('pointerdown', e => {
    if (stopped || active || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    const first = point(e);
    active = { id: strokeCount++, pointerId: e.pointerId, points: [first] };
    try { sessionStorage.setItem(counterKey, String(strokeCount)); } catch { /* the restored strokes still number it */ }
    strokes.push(active.points);
    outbox.log('pen.down', { s: active.id, pt: e.pointerType, x: first[0], y: first[1], p: first[3], tx: first[4], ty: first[5] }, first[2]);
    drawLast(active.points);
  });

  canvas.addEventListener('pointermove', e => {
    if (!active || e.pointerId !== active.pointerId) return;
    e.preventDefault();
    // Coalesced events are the points the browser saw between two frames: all of them count.
    const events = typeof e.getCoalescedEvents === 'function' && e.getCoalescedEvents().length > 0 ? e.getCoalescedEvents() : [e];
    for (const c of events) {
      const p = point(c);
      active.points.push(p);
      buffered.push(p);
      drawLast(active.points);
    }
    if (!frame) frame = requestAnimationFrame(flush);
  });

  const end = e => {
    if (!active || e.pointerId !== active.pointerId) return;
    if (frame) cancelAnimationFrame(frame);
    flush();
    const [x, y] = position(e);
    outbox.log('pen.up', { s: active.id, x, y, cancelled: e.type === 'pointercancel' }, outbox.stamp(e));
    active = null;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  // No scrolling, zooming or context menu while writing on the sheet.
  canvas.addEventListener('touchmove', e => e.preventDefault(), { passive: false });
  canvas.addEventListener('contextmenu', e => e.preventDefault());

  function width(p) {
    return Math.max(1, 2.5 * (window.devicePixelRatio || 1) * (0.5 + (p ?? 0.5)));
  }

  function drawLast(points) {
    const n = points.length;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.strokeStyle = '#1b1b1b';
    g.fillStyle = '#1b1b1b';
    const [w, h] = [canvas.width, canvas.height];
    if (n === 1) {
      g.beginPath();
      g.arc(points[0][0] * w, points[0][1] * h, width(points[0][3]) / 2, 0, 2 * Math.PI);
      g.fill();
      return;
    }
    // A quadratic curve through the midpoints keeps fast strokes smooth without delaying them.
    const a = points[Math.max(0, n - 3)], b = points[n - 2], c = points[n - 1];
    g.lineWidth = width(c[3]);
    g.beginPath();
    g.moveTo(((a[0] + b[0]) / 2) * w, ((a[1] + b[1]) / 2) * h);
    g.quadraticCurveTo(b[0] * w, b[1] * h, ((b[0] + c[0]) / 2) * w, ((b[1] + c[1]) / 2) * h);
    g.stroke();
  }

  function redraw() {
    g.clearRect(0, 0, canvas.width, canvas.height);
    for (const s of strokes) for (let i = 1; i <= s.length; i++) drawLast(s.slice(0, i));
  }

  const clear = ui['pen.clear'] && step.parameters.allowClear
    ? actionButton(context, 'pen-clear', ui['pen.clear'], async () => {
        outbox.log('pen.clear', { strokes: strokes.length });
        strokes.length = 0;
        redraw();
      }, true)
    : null;

  new ResizeObserver(() => { if (!stopped) resize(); }).observe(canvas);
  return { element: holder, instruction, clear, stop: () => { stopped = true; if (active) flush(); } };
}

async function keyboardSheet(step, context) {
  const { outbox } = context;
  const [earlier] = await outbox.restore([], ['text.input']);
  // The instruction is the page's heading and the text box's label.
  const heading = el('h1', { class: 'pen-instruction' }, el('label', { for: 'pen-text' }, step.instruction));
  const text = el('textarea', { id: 'pen-text', class: 'pen-text', rows: 8, spellcheck: 'false', autocomplete: 'off', autocorrect: 'off', autocapitalize: 'off' });
  if (earlier) {
    text.value = earlier.data.text;
    text.setSelectionRange(text.value.length, text.value.length);
  }
  text.addEventListener('keydown', e =>
    outbox.log('key.down', { key: e.key, code: e.code, repeat: e.repeat }, outbox.stamp(e)));
  text.addEventListener('input', e =>
    outbox.log('text.input', { text: text.value, inputType: e.inputType ?? null, caret: text.selectionStart }, outbox.stamp(e)));
  return { element: el('div', { class: 'pen-holder' }, text), instruction: heading, clear: null, stop: () => { text.disabled = true; } };
}
