// The replay page: a pen sheet or a map, whichever the page holds.
import { penReplay } from './pen-replay.js';
import { mapReplay } from './map-replay.js';

const button = document.getElementById('replay');
const canvas = document.getElementById('replay-canvas');
const map = document.getElementById('replay-map');
if (canvas) penReplay(canvas, button, document.getElementById('sheet-image'));
if (map) mapReplay(map, button, document.getElementById('replay-clock'));
