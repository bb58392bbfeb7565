import { el, format } from '../dom.js';
import { placeCombobox } from '../places.js';

// The questions, on one page. Only that a field was touched is logged as an event, never what
// was typed: the answers (names, home towns) go to the server once, when the page is sent.
export function render(container, step, context) {
  const { ui, outbox } = context;
  const form = el('form', { novalidate: true, id: 'questionnaire' });
  const fields = new Map();

  for (const question of step.questions) {
    const id = `q-${question.id}`;
    const problemId = `${id}-problem`;
    const hintId = `${id}-hint`;
    const label = question.label + (question.required ? '' : ` ${ui['answer.optional']}`);
    let block, read, focusTarget;
    if (question.type === 'choice') {
      const options = question.options.map((option, i) => {
        const input = el('input', { type: 'radio', name: id, id: `${id}-${i}`, value: option.value });
        input.addEventListener('change', event => outbox.log('answer.change', { question: question.id }, outbox.stamp(event)));
        return el('div', { class: 'choice' }, input, el('label', { for: `${id}-${i}` }, option.label));
      });
      block = el('fieldset', { class: 'question', id, 'aria-describedby': problemId }, el('legend', {}, label), options);
      read = () => form.querySelector(`input[name="${id}"]:checked`)?.value ?? null;
      focusTarget = () => block.querySelector('input');
    } else if (question.type === 'place') {
      // The home town, picked from the gazetteer's suggestions or typed freely. A pick is sent as
      // gn:{GeoNames id}|{name as shown}, free text as typed (Core: Tasks/Map/HomeTown.cs).
      const box = placeCombobox({
        id, label, lang: document.documentElement.lang || 'en', ui, hint: ui['place.hint'],
        maxLength: question.maxLength, required: question.required, describedBy: [problemId], credit: true,
        onInput: (text, event) => outbox.log('answer.input', { question: question.id, length: text.length }, outbox.stamp(event)),
        onChoose: (place, rank, text, event) => outbox.log('answer.choose', { question: question.id, rank }, outbox.stamp(event)),
      });
      block = el('div', { class: 'question' }, box.element);
      read = () => (box.chosen() ? `gn:${box.chosen().id}|${box.text()}` : box.text());
      focusTarget = () => box.input;
    } else {
      const hint = question.type === 'number' && question.min != null && question.max != null
        ? format(ui['answer.range.hint'], question.min, question.max)
        : question.type === 'place' ? ui['place.hint'] : null;
      const input = el('input', {
        type: 'text', id, name: question.id,
        inputmode: question.type === 'number' ? 'decimal' : null,
        autocomplete: 'off',
        maxlength: question.type === 'number' ? 32 : question.maxLength,
        'aria-describedby': [hint ? hintId : null, problemId].filter(Boolean).join(' '),
        required: question.required,
      });
      input.addEventListener('input', event => outbox.log('answer.input', { question: question.id, length: input.value.length }, outbox.stamp(event)));
      block = el('div', { class: 'question' }, el('label', { for: id }, label), input, hint ? el('p', { class: 'hint', id: hintId }, hint) : null);
      read = () => input.value;
      focusTarget = () => input;
    }
    const problem = el('p', { class: 'problem', id: problemId, hidden: true });
    block.append(problem);
    fields.set(question.id, { read, problem, block, focusTarget });
    form.append(block);
  }

  const submit = el('button', { type: 'submit', id: 'submit' }, ui['button.submit']);
  form.append(el('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    outbox.log('ui.click', { target: 'submit' }, outbox.stamp(event));
    const answers = Object.fromEntries([...fields].map(([qid, field]) => [qid, field.read()]));
    for (const field of fields.values()) showProblem(field, null);
    submit.disabled = true;
    const result = await context.advance(answers).finally(() => { submit.disabled = false; });
    if (result.ok) return;
    const problems = result.json.problems ?? [];
    for (const p of problems) if (fields.has(p.question)) showProblem(fields.get(p.question), p.message);
    const first = problems.find(p => fields.has(p.question));
    if (first) fields.get(first.question).focusTarget().focus();
  });
  container.append(el('h1', {}, step.title ?? ''), form);
}

function showProblem(field, message) {
  field.problem.hidden = !message;
  field.problem.textContent = message ?? '';
  const target = field.block.matches('fieldset') ? field.block : field.focusTarget();
  if (message) target.setAttribute('aria-invalid', 'true'); else target.removeAttribute('aria-invalid');
}
