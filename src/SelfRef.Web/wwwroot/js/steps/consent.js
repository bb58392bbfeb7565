import { el, actionButton } from '../dom.js';

export function render(container, step, context) {
  const { ui } = context;
  container.append(
    el('h1', {}, step.title ?? ''),
    el('p', { class: 'text' }, step.text),
    context.state.privacyUrl ? el('p', {}, el('a', { href: context.state.privacyUrl, id: 'consent-privacy', target: '_blank', rel: 'noopener' }, ui['privacy.link'])) : null,
    el('div', { class: 'actions' },
      actionButton(context, 'agree', ui['button.agree'], () => context.advance()),
      actionButton(context, 'decline', ui['button.decline'], () => context.decline(), true)));
}
