// The map task: a map to explore freely (pan, zoom, search). What the participant does is logged
// so that the first place they single out can be found afterwards (Core: FirstTargetRules):
//   map.view     the viewport, at most once per animation frame while it moves and always when it settles
//   map.click    a click or tap on the map, map.pointerdown which pointer was used
//   map.search.* the search box's text as typed, the suggestions shown, the result chosen
// Everything is served by this server: Leaflet, Natural Earth outlines, US states, place names.
// After a reload (or in another tab) the map opens on the view the participant left (centre,
// zoom, the search result chosen); that view is logged as the page's first view ("initial"), as
// every page load logs its first view, never as a move of the participant.
import { el, actionButton, stylesheet } from '../js/dom.js';
import { placeCombobox } from '../js/places.js';

// Leaflet, imported on first use: the participant page's bundle gives it a chunk of its own, which
// the browser evaluates in a task of its own, not in the one that evaluates this module and builds
// the map (issue 17.4: together they were one long task on a phone).
let L = null;
async function leaflet() {
  L ??= await import('/lib/leaflet/leaflet-src.esm.js');
  return L;
}

// Natural Earth's 110m countries, then its 10m countries simplified at build (build/outlines.mjs):
// one file for every closer zoom keeps the whole map step within its budget (issue 17).
const OUTLINES = [
  { below: 3, url: '/lib/outlines/countries-low.json' },
  { below: Infinity, url: '/lib/outlines/countries-detail.json' },
];
const COUNTRY_STYLE = { color: '#6b6b6b', weight: 0.8, fillColor: '#f4f1ea', fillOpacity: 1 };
const STATES_URL = '/lib/outlines/states.json';
const STATES_FROM_ZOOM = 3;
const CREDITS = 'Natural Earth · US Census Bureau · <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)';

export async function render(container, step, context) {
  const { ui, outbox } = context;
  const p = step.parameters ?? {};
  const lang = document.documentElement.lang || 'en';
  const [earlier] = await Promise.all([
    outbox.restore([], ['map.view', 'map.search.choose']),
    leaflet(),
    // The search box's styles too: drawn before they arrive, the box would move the map down (a layout shift).
    stylesheet('/lib/leaflet/leaflet.css'), stylesheet('/css/map.css'), p.search === false ? null : stylesheet('/css/places.css')]);
  // Leaflet may have been evaluated in this very task (its chunk the last to arrive): the map is built in the next.
  await yieldToPage();
  const left = earlier.find(e => e.type === 'map.view')?.data;
  const chosen = earlier.find(e => e.type === 'map.search.choose')?.data;

  const mapId = `map-${step.id}`;
  const hintId = `${mapId}-keys`;
  const mapElement = el('div', { id: mapId, class: 'map-canvas', 'aria-label': ui['map.label'], 'aria-describedby': hintId });
  const search = p.search === false ? null : placeCombobox({
    id: `${mapId}-search`, label: ui['map.search'], lang, ui, maxLength: 100,
    onInput: (text, event) => outbox.log('map.search.input', { q: text }, outbox.stamp(event)),
    onSuggestions: (text, places) => outbox.log('map.search.suggestions', { q: text, ids: places.map(place => place.id) }),
    onChoose: (place, rank, text, event) => {
      outbox.log('map.search.choose', { id: place.id, name: place.name, matched: place.matched, lat: place.lat, lng: place.lng, q: text, rank }, outbox.stamp(event));
      showChosen(place);
    },
  });
  const next = actionButton(context, 'continue', ui['button.continue'], () => context.advance());
  // The map takes the height the page leaves it, so that Continue is in view without scrolling.
  container.classList.add('map-page');
  container.append(el('section', { class: 'map-task' },
    el('h1', {}, step.title ?? step.instruction ?? ''),
    step.title && step.instruction ? el('p', { class: 'text' }, step.instruction) : null,
    search?.element,
    mapElement,
    el('p', { id: hintId, class: 'hint' }, ui['map.keys']),
    el('div', { class: 'actions' }, next)));
  if (p.minDurationSeconds > 0) {
    next.disabled = true;
    setTimeout(() => { next.disabled = false; }, Math.max(0, p.minDurationSeconds * 1000 - outbox.elapsed()));
  }

  const map = L.map(mapElement, {
    center: left ? [left.lat, left.lng] : [p.startLat ?? 30, p.startLon ?? 10], zoom: left?.zoom ?? p.startZoom ?? 2,
    minZoom: p.minZoom ?? 1, maxZoom: p.maxZoom ?? 14,
    preferCanvas: true, worldCopyJump: true, zoomControl: false, attributionControl: false,
  });
  // Leaflet's own focusable parts carry English words; the map's container is named by us.
  mapElement.setAttribute('role', 'region');
  mapElement.setAttribute('aria-roledescription', ui['map.label']);

  let chosenMarker = null;
  function showChosen(place, move = true) {
    chosenMarker?.remove();
    chosenMarker = L.circleMarker([place.lat, place.lng], { radius: 7, color: '#c75000', weight: 3, fillOpacity: 0.3, interactive: false }).addTo(map);
    if (move) map.setView([place.lat, place.lng], Math.max(map.getZoom(), Math.min(p.maxZoom ?? 14, 11)));
  }
  if (chosen) showChosen(chosen, false);

  // Visible to tests and to the browser console, like the outbox.
  if (window.selfref) window.selfref.map = map;
  logViewport(map, outbox);
  map.on('click', event => {
    const { lat, lng } = event.latlng;
    outbox.log('map.click', { lat: round(lat), lng: round(lng), zoom: map.getZoom(), pointer: event.originalEvent?.pointerType || 'mouse' }, outbox.stamp(event.originalEvent));
  });
  mapElement.addEventListener('pointerdown', event => outbox.log('map.pointerdown', { pointer: event.pointerType }, outbox.stamp(event)));
  // Leaflet's set-up of the map (its handlers, the first view, a layout to measure it) is this task;
  // its controls and the outlines follow in the next ones (issue 17.4). The step is rendered here,
  // though: its clock starts at the frame that first shows Continue (participant.js), so no frame
  // may pass between the two. What the participant does is logged from here on.
  completeMap(map, mapElement, p, ui).catch(error => console.error('the map could not be completed', error));
}

/** The map's controls, outlines and place names, from the task after the map was set up; nothing once the step has been left. */
async function completeMap(map, mapElement, p, ui) {
  await yieldToPage();
  if (!mapElement.isConnected) return;
  L.control.zoom({ zoomInTitle: ui['map.zoomIn'], zoomOutTitle: ui['map.zoomOut'] }).addTo(map);
  L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' }).addTo(map);
  let outlinesDrawn = Promise.resolve();
  if (p.tileUrl) {
    L.tileLayer(p.tileUrl, { attribution: p.tileAttribution ?? '', minZoom: p.minZoom, maxZoom: p.maxZoom }).addTo(map);
  } else {
    map.attributionControl.addAttribution(CREDITS);
    outlinesDrawn = baseMap(map, p.layers ?? ['countries', 'states']);
  }
  // The place names follow the outlines: asked for and placed once the land is drawn, they do not
  // compete with it for the phone's main thread in the first second (issue 17.4).
  if (p.labels !== false) outlinesDrawn.catch(() => {}).then(() => placeLabels(map, p.labelCount ?? 60));

  // The container may have been laid out after Leaflet measured it (fonts, the search box).
  requestAnimationFrame(() => map.invalidateSize());
}

/** The viewport: once per animation frame while it changes, and always once it settles. */
function logViewport(map, outbox) {
  let frame = 0, last = '', started = false;
  const view = () => {
    const c = map.getCenter().wrap(), b = map.getBounds();
    return { lat: round(c.lat), lng: round(c.lng), zoom: Math.round(map.getZoom() * 1000) / 1000, bounds: [round(b.getSouth()), round(b.getWest()), round(b.getNorth()), round(b.getEast())] };
  };
  const log = (t, extra = {}) => {
    const data = { ...view(), ...extra };
    const key = JSON.stringify(data);
    if (key === last) return;
    last = key;
    outbox.log('map.view', data, t);
  };
  // The first view is the one the step opened with, logged once the step's clock runs.
  requestAnimationFrame(() => requestAnimationFrame(time => { log(outbox.stamp({ timeStamp: time }), { initial: true }); started = true; }));
  map.on('move zoom', () => {
    if (!started || frame) return;
    frame = requestAnimationFrame(time => { frame = 0; log(outbox.stamp({ timeStamp: time })); });
  });
  map.on('moveend zoomend', () => {
    if (!started) return;
    cancelAnimationFrame(frame);
    frame = 0;
    log(outbox.stamp());
  });
}

/**
 * Country outlines at a resolution fitting the zoom, and US state borders from STATES_FROM_ZOOM
 * (also the researcher's map replay). Resolves once the first outlines are on the map.
 */
export async function baseMap(map, layers) {
  await leaflet();
  // The outlines get a pane of their own under the overlay pane (tiles 200, overlays 400): their
  // opaque land would otherwise hide every line and marker drawn over it (the chosen place, the
  // replay's path and first target).
  map.createPane('outlines').style.zIndex = 250;
  const cache = new Map();
  const load = url => {
    if (!cache.has(url)) cache.set(url, Promise.all([topojsonClient(), fetch(url).then(r => r.json())]));
    return cache.get(url);
  };
  // Drawn as SVG, not on a canvas: a canvas is rasterised and copied on the main thread at each
  // redraw whenever the compositor has no GPU to hand it to, in one task of 100 ms and more on
  // Lighthouse's phone (the 'Commit' long tasks of issue 17.4); SVG paths are rasterised in tiles by
  // the compositor's own threads. The drawing reaches a quarter of the view beyond each edge, so
  // that a drag shows land before it ends (drawn anew when it does).
  const renderer = L.svg({ padding: 0.25, pane: 'outlines' });
  let countries = null, countriesUrl = null, states = null;

  async function update() {
    const zoom = map.getZoom();
    if (layers.includes('countries')) {
      const url = OUTLINES.find(o => zoom < o.below).url;
      if (url !== countriesUrl) {
        countriesUrl = url;
        const [topojson, topology] = await load(url);
        if (url !== countriesUrl) return;
        const countryObjects = topology.objects.countries.geometries.filter(g => g.id !== ANTARCTICA);
        // Decoded and added a few countries per task (Leaflet projects and simplifies each as it is
        // added), so that no single task holds the page for long; each part goes behind what is
        // drawn, so the outlines being replaced stay in view until the new ones are complete.
        const layer = L.featureGroup().addTo(map);
        const complete = await inSlices(countryObjects, object => {
          const feature = continuous(topojson.feature(topology, object));
          L.geoJSON(feature, { renderer, interactive: false, style: COUNTRY_STYLE }).addTo(layer).bringToBack();
        }, () => url === countriesUrl);
        if (!complete) { layer.remove(); return; }
        countries?.remove();
        countries = layer;
      }
    }
    if (layers.includes('states')) {
      if (zoom >= STATES_FROM_ZOOM && !states) {
        const [topojson, topology] = await load(STATES_URL);
        states ??= L.geoJSON(topojson.mesh(topology, topology.objects.states, (a, b) => a !== b), {
          renderer, interactive: false, style: { color: '#8c8c8c', weight: 0.6, dashArray: '3 3', fill: false },
        });
      }
      if (states) { if (zoom >= STATES_FROM_ZOOM) states.addTo(map); else states.remove(); }
    }
  }
  map.on('zoomend', update);
  return update();
}

/** Lets the browser paint and answer input before the next part of a long job. */
function yieldToPage() {
  return globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise(resolve => setTimeout(resolve, 0));
}

/**
 * Does `each` for every item, a few per task (8 ms of work, then the page may paint and answer
 * input); stops after a part once `wanted()` is false. Resolves whether every item was done.
 */
async function inSlices(items, each, wanted) {
  for (let i = 0; i < items.length;) {
    const until = performance.now() + 8;
    do each(items[i++]); while (i < items.length && performance.now() < until);
    if (i < items.length) await yieldToPage();
    if (!wanted()) return false;
  }
  return true;
}

/** Natural Earth's Antarctica (ISO 3166 numeric 010): it wraps the pole, which no ring on this projection can draw. */
const ANTARCTICA = '010';

/**
 * Outlines that cross the date line jump from +180° to −180°, which a flat map draws as a band
 * across the world; each ring of the country is made continuous instead (Chukotka then lies
 * beyond 180°).
 */
function continuous(feature) {
  const unwrap = ring => {
    let shift = 0;
    return ring.map(([lng, lat], i) => {
      if (i > 0) {
        const previous = ring[i - 1][0];
        if (lng - previous > 180) shift -= 360; else if (previous - lng > 180) shift += 360;
      }
      return [lng + shift, lat];
    });
  };
  const g = feature.geometry;
  if (!g) return feature;
  const coordinates = g.type === 'Polygon' ? g.coordinates.map(unwrap)
    : g.type === 'MultiPolygon' ? g.coordinates.map(polygon => polygon.map(unwrap)) : g.coordinates;
  return { ...feature, geometry: { ...g, coordinates } };
}

/**
 * The class of a place name (made once Leaflet is loaded): placed with left and top where Leaflet's
 * markers use translate3d, which gives each of the up to 60 names a compositing layer of its own
 * (issue 17.4: 27 layers on a phone's first view, 9 without). The names are hidden while a zoom
 * animates (leaflet-zoom-hide) and placed when it ends.
 */
const placeLabel = () => L.Marker.extend({
  _setPos(pos) {
    this._icon._leaflet_pos = pos;
    this._icon.style.left = `${pos.x}px`;
    this._icon.style.top = `${pos.y}px`;
    this._zIndex = pos.y + this.options.zIndexOffset;
    this._resetZIndex();
  },
});

/** The largest places in view, asked from the server whenever the view settles. */
function placeLabels(map, count) {
  const PlaceLabel = placeLabel();
  const group = L.layerGroup().addTo(map);
  let controller = null, timer = 0;
  async function refresh() {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    const b = map.getBounds(), zoom = map.getZoom();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(v => v.toFixed(4)).join(',');
    try {
      const response = await fetch(`/api/places?bbox=${bbox}&zoom=${zoom}&limit=${count}`, { signal });
      if (!response.ok) return;
      const places = await response.json();
      group.clearLayers();
      // A few names per task, like the outlines: all 60 at once were one long task on a phone (issue 17.4).
      await inSlices(places, place => {
        const label = el('span', { class: 'map-label-text' }, place.name);
        new PlaceLabel([place.lat, place.lng], {
          icon: L.divIcon({ className: 'map-label leaflet-zoom-hide', html: el('span', {}, el('span', { class: 'map-label-dot' }), label), iconSize: null, iconAnchor: [4, 4] }),
          interactive: false, keyboard: false,
        }).addTo(group);
      }, () => !signal.aborted);
    } catch { /* a newer view replaced this one */ }
  }
  map.on('moveend', () => { clearTimeout(timer); timer = setTimeout(refresh, 120); });
  refresh();
}

let topojsonLoading = null;
/** topojson-client ships as a classic script (UMD); it is loaded once, on first use. */
function topojsonClient() {
  topojsonLoading ??= new Promise((resolve, reject) => {
    if (window.topojson) { resolve(window.topojson); return; }
    const script = el('script', { src: '/lib/topojson-client/topojson-client.min.js' });
    script.addEventListener('load', () => resolve(window.topojson));
    script.addEventListener('error', reject);
    document.head.append(script);
  });
  return topojsonLoading;
}

function round(value) { return Math.round(value * 1e6) / 1e6; }
