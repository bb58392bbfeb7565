import { el, actionButton } from '../dom.js';

export function render(container, step, context) {
  container.append(
    el('h1', {}, step.title ?? ''),
    el('p', { class: 'text' }, step.text),
    el('div', { class: 'actions' }, actionButton(context, 'continue', context.ui['button.continue'], () => context.advance())));
}
