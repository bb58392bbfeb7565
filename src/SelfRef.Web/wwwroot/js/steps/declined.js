import { el } from '../dom.js';

export function render(container, step, context) {
  const { ui } = context;
  container.append(el('h1', {}, ui['declined.title']), el('p', { class: 'text' }, ui['declined.text']));
}
