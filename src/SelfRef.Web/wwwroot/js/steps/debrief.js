import { el } from '../dom.js';

// The end: the completion code, and the way back to the recruiter once every event is stored.
export function render(container, step, context) {
  const { ui, state, outbox } = context;
  container.append(el('h1', {}, step.title ?? ''), el('p', { class: 'text' }, step.text));
  const completion = state.completion;
  if (!completion) return;
  container.append(el('p', {}, ui['completion.code']), el('p', { class: 'code', id: 'completion-code' }, completion.code));
  if (completion.withdrawalCode) {
    container.append(
      el('p', {}, ui['completion.withdrawalCode']),
      el('p', { class: 'code small', id: 'withdrawal-code' }, completion.withdrawalCode),
      el('p', { class: 'hint' }, ui['completion.withdrawalHint'], ' ',
        el('a', { href: `/withdraw?lang=${encodeURIComponent(state.language)}`, target: '_blank', rel: 'noopener' }, ui['completion.withdrawalLink'])));
  }
  const note = el('p', { id: 'completion-note', role: 'status' });
  container.append(note);
  if (!completion.redirectUrl) {
    note.textContent = ui['completion.close'];
    return;
  }
  note.textContent = ui['save.waiting'];
  outbox.whenFlushed().then(() => {
    note.textContent = ui['completion.redirect'];
    container.append(el('p', {}, el('a', { href: completion.redirectUrl, id: 'completion-link' }, ui['completion.redirectLink'])));
    setTimeout(() => location.assign(completion.redirectUrl), 1500);
  });
}
