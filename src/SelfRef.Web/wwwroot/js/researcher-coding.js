// Coding view: number keys press the code buttons; the replay draws the sheet with its real timing.
for (const button of document.querySelectorAll('.coding-buttons button[data-key]')) {
  document.addEventListener('keydown', e => {
    if (e.key === button.dataset.key && !e.altKey && !e.ctrlKey && !e.metaKey && document.activeElement?.tagName !== 'INPUT') button.click();
  });
}

const canvas = document.getElementById('replay-canvas');
const replay = document.getElementById('replay');
if (canvas && replay) {
  canvas.hidden = true;
  replay.addEventListener('click', async () => {
    const data = await (await fetch(canvas.dataset.strokes)).json();
    canvas.height = Math.round(canvas.width / data.aspect);
    canvas.hidden = false;
    document.getElementById('sheet-image').hidden = true;
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
  });
}
