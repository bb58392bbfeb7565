// Coding view: number keys press the code buttons; the replay draws the sheet with its real timing.
import { penReplay } from './pen-replay.js';

for (const button of document.querySelectorAll('.coding-buttons button[data-key]')) {
  document.addEventListener('keydown', e => {
    if (e.key === button.dataset.key && !e.altKey && !e.ctrlKey && !e.metaKey && document.activeElement?.tagName !== 'INPUT') button.click();
  });
}

const canvas = document.getElementById('replay-canvas');
const replay = document.getElementById('replay');
if (canvas && replay) penReplay(canvas, replay, document.getElementById('sheet-image'));
