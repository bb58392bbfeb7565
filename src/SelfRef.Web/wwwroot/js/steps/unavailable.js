import { el, actionButton } from '../dom.js';

// A task step whose browser module is not part of this version: said plainly, and logged (see participant.js).
export function render(container, step, context) {
  const { ui } = context;
  container.append(
    el('h1', {}, ui['unavailable.title']),
    el('p', { class: 'text' }, ui['unavailable.text']),
    el('div', { class: 'actions' }, actionButton(context, 'continue', ui['button.continue'], () => context.advance())));
}
