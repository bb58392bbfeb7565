// A place name box with suggestions from the gazetteer (/api/places/search), shared by the map
// task's search and the questionnaire's home town question. It follows the ARIA 1.2 combobox
// pattern: the list is announced, arrow keys move through it, Enter picks, Escape closes.
import { el, format, stylesheet } from './dom.js';

// Loaded with the module, not with the first box: a step that can show a box (the questionnaire, the
// map) is named with this sheet in the page's preloads, and a preload nobody uses is a request wasted.
stylesheet('/css/places.css');

const regionNames = new Map();

/** "Deutschland" for "DE" in German, "Germany" in English; the code where the browser knows no name. */
export function countryName(code, lang) {
  if (!regionNames.has(lang)) {
    try { regionNames.set(lang, new Intl.DisplayNames([lang], { type: 'region' })); } catch { regionNames.set(lang, null); }
  }
  try { return regionNames.get(lang)?.of(code) ?? code; } catch { return code; }
}

/** What a suggestion reads: the name that matched, the place's own name if different, the country. */
export function describePlace(place, lang) {
  const fold = text => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const name = place.matched && fold(place.matched) !== fold(place.name) ? `${place.matched} (${place.name})` : place.name;
  return `${name}, ${countryName(place.country, lang)}`;
}

/**
 * Builds the box. Options: id, label, lang, ui, hint (text below), maxLength, required,
 * describedBy (more ids), credit (show the data source below), onInput(text, event),
 * onSuggestions(text, places), onChoose(place, rank, text, event).
 * Returns { element, input, chosen(): the picked place or null, text() }.
 */
export function placeCombobox(options) {
  const { id, label, lang, ui, hint, maxLength = 200, required = false, describedBy = [] } = options;
  const listId = `${id}-list`, statusId = `${id}-status`, hintId = `${id}-hint`;
  const input = el('input', {
    type: 'text', id, role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    'aria-describedby': [hint ? hintId : null, ...describedBy].filter(Boolean).join(' ') || null,
    maxlength: maxLength, required,
  });
  const list = el('ul', { id: listId, role: 'listbox', class: 'place-list', 'aria-label': label, hidden: true });
  const status = el('p', { id: statusId, class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  // GeoNames' licence (CC BY 4.0) asks for credit wherever its names are shown; the map credits it itself.
  const credit = options.credit ? el('p', { class: 'place-credit' }, ui['places.credit']) : null;
  const element = el('div', { class: 'place-box' },
    el('label', { for: id }, label), input, hint ? el('p', { class: 'hint', id: hintId }, hint) : null, list, status, credit);

  let places = [], active = -1, chosen = null, timer = 0, controller = null, asked = '';

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function show(found, text) {
    places = found;
    list.replaceChildren(...found.map((place, i) => {
      const option = el('li', { id: `${id}-option-${i}`, role: 'option', class: 'place-option', 'aria-selected': 'false' }, describePlace(place, lang));
      // mousedown, not click: the input must keep the focus, or the list closes before the pick.
      option.addEventListener('mousedown', event => event.preventDefault());
      option.addEventListener('click', event => choose(i, event));
      return option;
    }));
    // An answer that comes after the participant left the box (a busy server) opens nothing: the
    // list would lie over what they moved on to. The arrow keys open it when they come back.
    if (document.activeElement !== input) { close(); status.textContent = ''; return false; }
    status.textContent = found.length ? format(ui['places.suggestions'], found.length) : text.trim() ? ui['places.none'] ?? '' : '';
    if (found.length === 0) { close(); return true; }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    setActive(-1);
    return true;
  }

  function setActive(i) {
    active = i;
    [...list.children].forEach((option, j) => option.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', `${id}-option-${i}`);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }

  function choose(i, event) {
    const place = places[i];
    if (!place) return;
    chosen = place;
    input.value = describePlace(place, lang);
    close();
    status.textContent = '';
    options.onChoose?.(place, i, asked, event);
  }

  async function ask(text) {
    controller?.abort();
    if (!text.trim()) { show([], ''); return; }
    controller = new AbortController();
    try {
      const response = await fetch(`/api/places/search?q=${encodeURIComponent(text)}&limit=8&lang=${encodeURIComponent(lang)}`, { signal: controller.signal });
      if (!response.ok || input.value !== text) return;
      const found = await response.json();
      asked = text;
      // Logged as shown only when the participant was there to see them.
      if (show(found, text)) options.onSuggestions?.(text, found);
    } catch { /* a newer query replaced this one, or the network is away: the box stays usable as free text */ }
  }

  input.addEventListener('input', event => {
    chosen = null;
    options.onInput?.(input.value, event);
    clearTimeout(timer);
    const text = input.value;
    timer = setTimeout(() => ask(text), 150);
  });
  input.addEventListener('keydown', event => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (list.hidden) { if (places.length) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); } else return; }
      event.preventDefault();
      const next = active + (event.key === 'ArrowDown' ? 1 : -1);
      setActive(next >= places.length ? 0 : next < 0 ? places.length - 1 : next);
    } else if (event.key === 'Enter' && !list.hidden && active >= 0) {
      event.preventDefault();
      choose(active, event);
    } else if (event.key === 'Escape' && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  // Closed a moment after the box loses the focus (a click on an option must land first), unless the participant is back in it.
  input.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== input) close(); }, 150));

  return { element, input, chosen: () => chosen, text: () => input.value };
}
