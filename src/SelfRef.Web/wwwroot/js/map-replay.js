// A map step replayed with its real timing: the participant's views (map.view: centre and zoom at
// t ms since the map appeared) set one after another on a Leaflet map drawn like the
// participant's, with the path of the centres, the clicks, the chosen search results and the
// first target. Place names go in as text, never as HTML.
import * as L from '/lib/leaflet/leaflet-src.esm.js';
import { el, stylesheet } from './dom.js';
import { baseMap } from '../tasks/map.js';

/** The replay page's module (TaskType.ReplayModule): the whole path, and its replay; `base` is the step's data address. */
export async function replay(root, base) {
  await stylesheet('/lib/leaflet/leaflet.css');
  const button = el('button', { type: 'button', id: 'replay' }, 'Replay with real timing');
  const clock = el('span', { id: 'replay-clock', role: 'status' }, 'Whole path shown.');
  const map = el('div', { id: 'replay-map', class: 'replay-map', role: 'region', 'aria-label': 'Map replay', 'data-trajectory': `${base}/trajectory.json` });
  root.append(
    el('p', { class: 'hint' }, "The participant's view of the map over time: the line joins the centres of the views, dots mark clicks, squares chosen search results, the ring the first target."),
    el('p', { class: 'replay-controls' }, button, ' ', clock),
    map);
  await mapReplay(map, button, clock);
}

export async function mapReplay(element, button, clock) {
  const data = await (await fetch(element.dataset.trajectory)).json();
  const first = data.views[0] ?? data.start;
  const map = L.map(element, {
    center: [first.lat, first.lng], zoom: first.zoom, minZoom: data.minZoom, maxZoom: data.maxZoom,
    zoomSnap: 0, preferCanvas: true, worldCopyJump: true, attributionControl: false,
  });
  // Visible to tests and to the browser console.
  window.__replayMap = map;
  if (data.tileUrl) L.tileLayer(data.tileUrl, { attribution: data.tileAttribution ?? '' }).addTo(map);
  else baseMap(map, data.layers);

  const centres = data.views.map(v => [v.lat, v.lng]);
  L.polyline(centres, { color: '#12355b', weight: 2, opacity: 0.35, interactive: false }).addTo(map);
  for (const c of data.clicks) L.circleMarker([c.lat, c.lng], { radius: 5, color: '#8a0000', weight: 2, fillOpacity: 0.6 }).addTo(map);
  for (const c of data.choices) {
    L.marker([c.lat, c.lng], { icon: L.divIcon({ className: 'replay-choice', html: el('span', { title: c.name }, '■'), iconSize: null }), keyboard: false })
      .bindTooltip(el('span', {}, `search: ${c.name}`)).addTo(map);
  }
  if (data.target) L.circleMarker([data.target.lat, data.target.lng], { radius: 12, color: '#c75000', weight: 3, fill: false }).addTo(map);
  if (centres.length > 1) map.fitBounds(L.latLngBounds(centres).pad(0.2));

  const trail = L.polyline([], { color: '#12355b', weight: 3 }).addTo(map);
  let frame = 0;
  button.addEventListener('click', () => {
    cancelAnimationFrame(frame);
    trail.setLatLngs([]);
    const views = data.views;
    if (views.length === 0) { clock.textContent = 'No view was logged.'; return; }
    const start = performance.now() - views[0].t;
    let next = 0;
    const step = now => {
      const t = now - start;
      while (next < views.length && views[next].t <= t) {
        const v = views[next++];
        map.setView([v.lat, v.lng], v.zoom, { animate: false });
        trail.addLatLng([v.lat, v.lng]);
      }
      clock.textContent = `t = ${(Math.min(t, views[views.length - 1].t) / 1000).toFixed(1)} s`;
      if (next < views.length) frame = requestAnimationFrame(step);
      else clock.textContent += ' (end)';
    };
    frame = requestAnimationFrame(step);
  });
}
