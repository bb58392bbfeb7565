// A handwritten sheet replayed with its real timing (coding view, session replay): strokes.json
// gives every point as [x, y, t, pressure] with x and y as shares of the sheet and t in ms.
import { el } from './dom.js';

/** The replay page's module (TaskType.ReplayModule): the sheet as rendered by the server, and its replay; `base` is the step's data address. */
export function replay(root, base) {
  const button = el('button', { type: 'button', id: 'replay' }, 'Replay with real timing');
  const canvas = el('canvas', { id: 'replay-canvas', width: 900, height: 560, 'data-strokes': `${base}/strokes.json`, 'aria-label': 'Replay of the whole sheet' });
  const image = el('img', { id: 'sheet-image', src: `${base}/sheet.svg`, alt: 'The whole sheet; the first word in black, the rest in grey' });
  root.append(el('div', { class: 'coding-sheet' }, el('p', { class: 'replay-controls' }, button), canvas, image));
  penReplay(canvas, button, image);
}

/** Sets up the button that fetches the strokes and draws them point by point, at the time each was written. */
export function penReplay(canvas, button, image) {
  canvas.hidden = true;
  button.addEventListener('click', async () => {
    const data = await (await fetch(canvas.dataset.strokes)).json();
    canvas.height = Math.round(canvas.width / data.aspect);
    canvas.hidden = false;
    if (image) image.hidden = true;
    play(canvas, data);
  });
}

function play(canvas, data) {
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.lineWidth = 3; g.lineCap = 'round'; g.lineJoin = 'round';
  const first = new Set(data.firstWord ?? []);
  const points = data.strokes.flatMap(s => s.points.map((p, i) => ({ s, i, p })));
  points.sort((a, b) => a.p[2] - b.p[2]);
  const start = performance.now() - (points[0]?.p[2] ?? 0);
  let next = 0;
  const frame = now => {
    while (next < points.length && points[next].p[2] <= now - start) {
      const { s, i, p } = points[next++];
      g.strokeStyle = g.fillStyle = first.has(s.index) ? '#000' : '#777';
      const [x, y] = [p[0] * canvas.width, p[1] * canvas.height];
      if (i === 0) { g.beginPath(); g.arc(x, y, 1.5, 0, 2 * Math.PI); g.fill(); continue; }
      const q = s.points[i - 1];
      g.beginPath(); g.moveTo(q[0] * canvas.width, q[1] * canvas.height); g.lineTo(x, y); g.stroke();
    }
    if (next < points.length) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}
