// The experiment schema as the editor's form shows it. The published schema stays the one source
// of truth for validation (the server checks every draft with it); this only reshapes it for
// json-editor: references inlined, "string or null" read as string, texts per language as one
// field per language of the experiment (side by side), the step kinds as a choice of forms.

/** A deep copy of the schema for a form whose texts have a field for each of `languages`. */
export function formSchema(schema, languages) {
  const inlined = inline(schema, schema, 0);
  delete inlined.$schema;
  delete inlined.$id;
  return reshape(inlined, languages, "");
}

// Local references (#/$defs/…, #/definitions/…) inlined: json-editor resolves only some forms of them.
function inline(node, root, depth) {
  if (Array.isArray(node)) return node.map(n => inline(n, root, depth));
  if (!node || typeof node !== "object") return node;
  if (typeof node.$ref === "string" && node.$ref.startsWith("#/") && depth < 20) {
    const target = node.$ref.slice(2).split("/").reduce((n, key) => n?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], root);
    const { $ref, ...rest } = node;
    return inline({ ...target, ...rest }, root, depth + 1);
  }
  const copy = {};
  for (const [key, value] of Object.entries(node)) if (key !== "$defs" && key !== "definitions") copy[key] = inline(value, root, depth);
  return copy;
}

/** A text given per language: an object whose property names are language tags and whose values are strings. */
function isLocalizedText(node) {
  return node.type === "object" && node.propertyNames && node.additionalProperties?.type === "string" && !node.properties;
}

function reshape(node, languages, path) {
  if (Array.isArray(node)) return node.map(n => reshape(n, languages, path));
  if (!node || typeof node !== "object") return node;
  if (isLocalizedText(node)) return localizedText(node, languages);
  const copy = {};
  for (const [key, value] of Object.entries(node)) copy[key] = reshape(value, languages, `${path}/${key}`);
  if (Array.isArray(copy.type)) {
    const types = copy.type.filter(t => t !== "null");
    copy.type = types.length === 1 ? types[0] : types;
  }
  if (Array.isArray(copy.allOf) && copy.allOf.every(b => b.if && b.then)) stepChoice(copy);
  if (copy.type === "array" && copy.items && typeof copy.items === "object") itemHeaders(copy, path);
  if (copy.type === "object") copy.options = { disable_edit_json: true, ...copy.options };
  return copy;
}

function localizedText(node, languages) {
  const offered = languages.length > 0 ? languages : (node.propertyNames?.enum ?? []);
  const properties = {};
  for (const language of offered) {
    properties[language] = { type: "string", title: language, format: "textarea", options: { inputAttributes: { lang: language, rows: "2" } } };
  }
  return {
    type: "object",
    title: node.title,
    description: node.description,
    properties,
    // Every language is shown, side by side; one left empty is left out of the file.
    required: offered,
    options: { remove_empty_properties: true, disable_properties: true, disable_collapse: true, disable_edit_json: true, containerAttributes: { class: "je-languages" } },
  };
}

/**
 * The published schema picks a step's kind with if/then per kind (so that a validator reports only
 * the errors of the kind a step names); a form needs a choice: one form per kind, named after it.
 */
function stepChoice(node) {
  node.oneOf = node.allOf.map(branch => {
    const kind = branch.if?.properties?.type?.const;
    const then = structuredClone(branch.then);
    then.type = "object";
    then.title = kind;
    then.properties = { type: { type: "string", enum: [kind], default: kind, options: { hidden: true } }, ...then.properties };
    then.required = ["type", ...(then.required ?? []).filter(r => r !== "type")];
    if (node.additionalProperties === false || then.additionalProperties === undefined) then.additionalProperties = false;
    return then;
  });
  delete node.allOf;
  delete node.properties;
  delete node.required;
  delete node.type;
}

// Array items named by their id (and kind) instead of "item 1", so that a long list of steps reads.
function itemHeaders(node, path) {
  const items = node.items;
  const hasId = items.properties?.id || items.oneOf?.some(o => o.properties?.id);
  const hasKind = items.oneOf !== undefined || items.properties?.type;
  const noun = path.endsWith("/steps") ? "Step" : path.endsWith("/conditions") ? "Condition" : path.endsWith("/questions") ? "Question" : path.endsWith("/options") ? "Option" : "Item";
  // json-editor names its buttons after the item's title ("Add Condition", "Delete Condition").
  if (noun !== "Item") items.title = noun;
  if (hasId) items.headerTemplate = `${noun} {{ i1 }}: {{ self.id }}` + (hasKind ? " ({{ self.type }})" : "");
  else if (items.properties?.value) items.headerTemplate = `${noun} {{ i1 }}: {{ self.value }}`;
}
