// Small DOM helpers: build elements without innerHTML, so text from anyone is never parsed as markup.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') node.className = value;
    else if (name in node && typeof value !== 'string') node[name] = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** "Step {0} of {1}" with the values filled in. */
export function format(template, ...values) {
  return (template ?? '').replace(/\{(\d+)\}/g, (_, i) => String(values[Number(i)] ?? ''));
}

/** A button that logs its click as an event of the step before it acts. */
export function actionButton(context, id, label, action, secondary = false) {
  const button = el('button', { type: 'button', id, class: secondary ? 'secondary' : null }, label);
  button.addEventListener('click', async event => {
    context.outbox.log('ui.click', { target: id }, context.outbox.stamp(event));
    button.disabled = true;
    try { await action(); } finally { button.disabled = false; }
  });
  return button;
}

const styleSheets = new Map();
/**
 * Adds a stylesheet once; resolves when it is loaded (or failed: the page goes on without it), also
 * for a second caller while it is still on its way. The participant page names these sheets ahead as
 * preloads (a link with the same address that is not a style sheet); the build finds them by this
 * call with a literal address (build/bundle-participant.mjs).
 */
export function stylesheet(href) {
  if (!styleSheets.has(href)) {
    styleSheets.set(href, new Promise(resolve => {
      const link = el('link', { rel: 'stylesheet', href });
      link.addEventListener('load', resolve);
      link.addEventListener('error', resolve);
      document.head.append(link);
    }));
  }
  return styleSheets.get(href);
}
