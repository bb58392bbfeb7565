// The experiment editor: a form made from the experiment schema (json-editor) beside the file's
// JSON (CodeMirror), kept in step both ways. The server is the one judge of a draft: every change
// is checked by the same loader the `validate` verb uses, and its errors are shown next to the
// field they name and listed above. Saving writes the file into the experiments folder as a new
// version; the preview runs a pilot session of the saved version in a frame.
import { EditorView, EditorState, basicSetup, json, jsonParseLinter, linter, lintGutter } from '/lib/codemirror/codemirror.js';
import { el } from './dom.js';
import { formSchema } from './editor-schema.js';

const root = document.getElementById('editor');
const token = root.querySelector('input[name="__RequestVerificationToken"]').value;
const status = document.getElementById('editor-status');
const problemList = document.getElementById('problem-list');
const saveButton = document.getElementById('save');
const previewButton = document.getElementById('preview');

const state = {
  editing: root.dataset.editing || null, // the experiment saved over; null until a new one is first saved
  baseHash: '',                          // the file's hash when loaded or last saved (a save from an older one is refused)
  savedText: null,                       // what the preview shows
  errors: [],                            // the server's verdict on the current text
  languages: null,                       // the languages the form was made for
  checkSequence: 0,
  formUpdates: 0,                        // change events of the form caused by the code view, not by the researcher
};

let codeTimer = 0;
const schema = await getJson('/researcher/editor/schema.json');
let form = null;

const code = new EditorView({
  parent: document.getElementById('code'),
  state: EditorState.create({
    doc: '',
    extensions: [
      basicSetup, json(), linter(jsonParseLinter()), lintGutter(),
      EditorView.contentAttributes.of({ 'aria-label': 'Experiment file (JSON)', 'aria-describedby': 'code-hint', tabindex: '0' }),
      EditorView.updateListener.of(update => { if (update.docChanged && !state.settingCode) codeChanged(); }),
    ],
  }),
});

saveButton.addEventListener('click', save);
new MutationObserver(linkLabels).observe(document.getElementById('form'), { childList: true, subtree: true });
// For the browser tests: the text as it would be saved (the code view draws only the lines in sight).
window.selfref = { editorText: () => code.state.doc.toString() };
previewButton.addEventListener('click', preview);
window.addEventListener('beforeunload', event => { if (unsaved()) event.preventDefault(); });

if (state.editing) await load();
else await offerTemplates();

// ---- loading ----

async function load() {
  const source = await getJson(`/researcher/experiments/${encodeURIComponent(state.editing)}/source`);
  state.baseHash = source.hash;
  state.savedText = source.hash ? source.text : null;
  setCode(source.text);
  codeChanged(true);
  say(source.hash ? `Editing ${source.file}.` : `${source.file} is no longer in the experiments folder; saving writes it again.`);
  previewButton.disabled = !state.savedText;
}

async function offerTemplates() {
  const templates = await getJson('/researcher/editor/templates');
  const select = document.getElementById('template');
  for (const template of templates) select.append(el('option', { value: template.id }, `${template.title} (${template.file})`));
  const use = () => {
    const template = templates.find(t => t.id === select.value);
    if (!template) return;
    setCode(template.text);
    codeChanged(true);
    say(`Started from ${template.file}. Give the new experiment its own id before saving.`);
  };
  document.getElementById('use-template').addEventListener('click', use);
  use();
}

// ---- the two views ----

function setCode(text) {
  state.settingCode = true;
  try { code.dispatch({ changes: { from: 0, to: code.state.doc.length, insert: text } }); }
  finally { state.settingCode = false; }
}

/** The code view changed: once it is valid JSON again, the form shows it; the server checks it either way. */
function codeChanged(now = false) {
  clearTimeout(codeTimer);
  codeTimer = setTimeout(() => {
    const text = code.state.doc.toString();
    let value;
    try { value = JSON.parse(text); } catch { value = undefined; }
    if (value && typeof value === 'object' && !Array.isArray(value)) showInForm(value);
    check(text);
    updateButtons();
  }, now ? 0 : 400);
}

function showInForm(value) {
  const languages = Array.isArray(value.languages) && value.languages.length > 0 ? value.languages.filter(l => typeof l === 'string') : [];
  if (form && same(languages, state.languages)) {
    if (same(form.getValue(), value)) return;
    state.formUpdates++;
    form.setValue(value);
    return;
  }
  // The texts have one field per language of the experiment: a change of languages makes a new form.
  const scroll = window.scrollY;
  const previewLanguage = document.getElementById('preview-language');
  const chosen = previewLanguage.value;
  previewLanguage.replaceChildren(...languages.map(l => el('option', { value: l, selected: l === chosen }, l)));
  form?.destroy();
  state.languages = languages;
  state.formUpdates++;
  form = new window.JSONEditor(document.getElementById('form'), {
    schema: formSchema(schema, languages),
    startval: value,
    theme: 'html',
    iconlib: null,
    show_errors: 'never',
    display_required_only: true,
    disable_edit_json: true,
    disable_array_delete_all_rows: true,
    disable_array_delete_last_row: true,
    prompt_before_delete: false,
    no_additional_properties: true,
    use_name_attributes: false,
    keep_oneof_values: false,
  });
  form.on('change', formChanged);
  window.scrollTo(0, scroll);
}

/** The form changed: the code view shows the form's value, unless the change came from the code view. */
function formChanged() {
  if (state.formUpdates > 0) {
    state.formUpdates--;
    showErrors();
    return;
  }
  const value = form.getValue();
  let shown;
  try { shown = JSON.parse(code.state.doc.toString()); } catch { shown = undefined; }
  if (!same(value, shown)) {
    const text = JSON.stringify(value, null, 2) + '\n';
    setCode(text);
    if (!same(value.languages ?? [], state.languages ?? [])) showInForm(value);
    check(text);
  }
  showErrors();
  updateButtons();
}

/**
 * json-editor builds a form for every kind a step may take and hides all but the chosen one, with the
 * same element ids in each: a label would name a hidden field. Each label is tied to the field beside
 * it, under an id of its own; the kind chooser gets a label a person reads.
 */
function linkLabels() {
  for (const label of document.querySelectorAll('#form label[for]')) {
    const field = label.parentElement?.querySelector(':scope > input, :scope > select, :scope > textarea');
    if (!field || field.type === 'checkbox') continue;
    if (document.getElementById(label.htmlFor) !== field) {
      field.id = unique(field.id || 'field');
      label.htmlFor = field.id;
    }
    const description = field.getAttribute('aria-describedby');
    const help = description && label.parentElement.querySelector(`:scope > p[id="${CSS.escape(description)}"]`);
    if (help && document.getElementById(description) !== help) {
      help.id = unique(description);
      field.setAttribute('aria-describedby', help.id);
    }
    if (field.classList.contains('je-switcher') && !label.dataset.named) {
      const heading = label.parentElement.querySelector(':scope > b, :scope > span.je-header');
      label.textContent = `Kind of ${heading?.textContent?.trim() || 'item'}`;
      label.dataset.named = 'yes';
    }
  }
}

let uniqueCount = 0;
function unique(base) {
  let id;
  do id = `${base}-${++uniqueCount}`; while (document.getElementById(id));
  return id;
}

// ---- the server's verdict ----

async function check(text) {
  const sequence = ++state.checkSequence;
  const response = await post('/researcher/editor/check', { text, editing: state.editing });
  if (sequence !== state.checkSequence) return; // a newer draft is being checked
  if (!response.ok) { say(`The check failed: ${await response.text()}`); return; }
  state.errors = (await response.json()).errors;
  showErrors();
  updateButtons();
  root.dataset.checked = String(sequence); // for the browser tests: the server's verdict on a draft is shown
}

function showErrors() {
  problemList.replaceChildren(...state.errors.map(error => {
    const where = formPath(error.path);
    const link = el('a', { href: '#form' }, error.path === '$' ? 'the file' : error.path);
    link.addEventListener('click', event => { event.preventDefault(); focusField(where); });
    return el('li', {}, link, `: ${error.message}`);
  }));
  document.getElementById('problems-none').hidden = state.errors.length > 0;
  if (!form) return;
  // Each error next to the field it names (or the nearest enclosing one the form shows).
  form.showValidationErrors(state.errors.map(e => ({ path: formPath(e.path), property: 'server', message: e.message.replace(/\.$/, '') })));
}

/** "$.steps[2].instruction.en" → "root.steps.2.instruction.en", reduced to the deepest part the form has. */
function formPath(jsonPath) {
  const segments = ['root'];
  let value = form?.getValue();
  for (const match of jsonPath.replace(/^\$/, '').matchAll(/\.([^.[\]]+)|\[(?:'([^']*)'|"([^"]*)"|([^\]]*))\]/g)) {
    let key = match[1] ?? match[2] ?? match[3] ?? match[4];
    // A step (or question) named by its id rather than its index.
    if (Array.isArray(value) && !/^\d+$/.test(key)) {
      const index = value.findIndex(item => item?.id === key);
      if (index >= 0) key = String(index);
    }
    value = value?.[key];
    segments.push(key);
  }
  while (segments.length > 1 && !form?.getEditor(segments.join('.'))) segments.pop();
  return segments.join('.');
}

function focusField(path) {
  const editor = form?.getEditor(path);
  const target = editor?.input ?? editor?.container?.querySelector('input, select, textarea, button');
  (editor?.container ?? target)?.scrollIntoView({ block: 'center' });
  target?.focus();
}

// ---- save and preview ----

function unsaved() { return code.state.doc.toString() !== (state.savedText ?? ''); }

function updateButtons() {
  previewButton.disabled = state.savedText === null || unsaved();
  previewButton.title = previewButton.disabled ? 'Save first: the preview runs the saved version.' : '';
}

async function save() {
  const text = code.state.doc.toString();
  saveButton.disabled = true;
  say('Saving…');
  try {
    const response = await post('/researcher/editor/save', { text, editing: state.editing, baseHash: state.baseHash });
    const body = response.headers.get('content-type')?.includes('json') ? await response.json() : { message: await response.text() };
    if (response.ok) {
      state.baseHash = body.source.hash;
      state.savedText = text;
      if (!state.editing) {
        state.editing = body.source.id;
        history.replaceState(null, '', body.editLink);
      }
      state.errors = [];
      showErrors();
      say(`Saved ${body.source.file} as version ${body.version.slice(0, 10)}: new sessions start on it.`);
    } else if (response.status === 422) {
      state.errors = body.errors;
      showErrors();
      say(`Not saved: the file has ${body.errors.length} problem(s), listed above.`);
    } else if (response.status === 409) {
      say(`Not saved: ${body.errors.map(e => e.message).join('; ')}`);
    } else {
      say(`Not saved (${response.status}): ${body.message ?? ''}`);
    }
  } catch (error) {
    say(`Not saved: the server could not be reached (${error.message}).`);
  } finally {
    saveButton.disabled = false;
    updateButtons();
  }
}

function preview() {
  if (!state.editing || unsaved()) return;
  const section = document.getElementById('preview-section');
  const frame = document.getElementById('preview-frame');
  const language = document.getElementById('preview-language').value;
  frame.src = `/researcher/experiments/${encodeURIComponent(state.editing)}/preview` + (language ? `?lang=${encodeURIComponent(language)}` : '');
  const link = document.getElementById('participant-link');
  link.href = `${root.dataset.participantBase}/s/${encodeURIComponent(state.editing)}`;
  link.textContent = link.href;
  section.hidden = false;
  section.scrollIntoView({ block: 'start' });
  say('Preview started: a pilot run of the saved version.');
}

// ---- helpers ----

function say(text) { status.textContent = text; }

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

function post(url, body) {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', RequestVerificationToken: token },
    body: JSON.stringify(body),
  });
}

/** Same JSON value, whatever the order of object keys. */
function same(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every(k => Object.prototype.hasOwnProperty.call(b, k) && same(a[k], b[k]));
}
