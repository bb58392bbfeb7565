// Bundles the participant page (wwwroot/js/participant.js and every step and task module it
// loads) into wwwroot/lib/participant: one minified module for the page, and one chunk per step or
// task type, loaded when a session reaches it. Leaflet (minified) is a chunk of its own, which the map
// step imports when it starts, so that the browser evaluates it in a task apart from the step's code.
// The sources stay plain ES modules that a browser can also load one by one (the researcher's
// replay pages import the map task's base map that way).
// Beside the chunks it writes preload.json: what the page loads before its first step can show
// (the page's own chunks) and, per step or task type, the chunks and style sheets its step loads when
// it starts; the server names them in the page it sends (Participant/ParticipantPage.cs), so that
// the browser fetches them at once, not one round trip after another (issue 17.4).
// Usage: node build/bundle-participant.mjs <output folder>
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { build } from 'esbuild';

const output = process.argv[2];
if (!output) {
  console.error('usage: node build/bundle-participant.mjs <output folder>');
  process.exit(2);
}
const root = new URL('../', import.meta.url).pathname;

// The sources import Leaflet by the address the server copies it to; the bundle takes it from the package.
const servedLibraries = {
  name: 'served-libraries',
  setup(build) {
    build.onResolve({ filter: /^\/lib\/leaflet\/leaflet-src\.esm\.js$/ }, () => ({ path: `${root}node_modules/leaflet/dist/leaflet-src.esm.js` }));
  },
};

// Chunk names carry a hash of their content: old ones are removed so that only this build's are served.
rmSync(output, { recursive: true, force: true });
const result = await build({
  entryPoints: [`${root}wwwroot/js/participant.js`],
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'linked',
  outdir: output,
  chunkNames: '[name]-[hash]',
  plugins: [servedLibraries],
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(`${output}/preload.json`, JSON.stringify(preloads(result.metafile), null, 2) + '\n');

/**
 * From esbuild's metafile: the page's static imports, and for each step module (wwwroot/js/steps/X.js
 * or wwwroot/tasks/X.js, by the type name X the page imports it by) its chunk, the chunks it imports
 * statically and those it imports when it starts (Leaflet for the map), and the style sheets its
 * sources load with dom.js's stylesheet('…') (a literal address; how the steps load their styles).
 */
function preloads(metafile) {
  const address = file => '/' + relative(`${root}wwwroot`, `${process.cwd()}/${file}`);
  const chunks = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.js'));
  const byFile = new Map(chunks);
  const staticClosure = (file, seen = new Set()) => {
    if (seen.has(file)) return seen;
    seen.add(file);
    for (const dependency of byFile.get(file)?.imports ?? []) {
      if (dependency.kind === 'import-statement') staticClosure(dependency.path, seen);
    }
    return seen;
  };
  const page = chunks.find(([, chunk]) => chunk.entryPoint === relative(process.cwd(), `${root}wwwroot/js/participant.js`));
  const steps = {};
  for (const [file, chunk] of chunks) {
    const source = chunk.entryPoint && /^wwwroot\/(js\/steps|tasks)\/[a-z0-9-]+\.js$/.test(relative(root, `${process.cwd()}/${chunk.entryPoint}`)) ? chunk.entryPoint : null;
    if (!source) continue;
    const modules = staticClosure(file);
    for (const dependency of chunk.imports) {
      if (dependency.kind === 'dynamic-import') staticClosure(dependency.path, modules);
    }
    const sources = [...modules].flatMap(module => Object.keys(byFile.get(module)?.inputs ?? {}))
      .filter(input => !input.includes('node_modules'));
    const styles = [...new Set(sources.flatMap(styleSheetsOf))].sort();
    steps[basename(source, '.js')] = { modules: [...modules].map(address), styles };
  }
  const pageModules = [...staticClosure(page[0])].filter(file => file !== page[0]).map(address);
  return { page: pageModules, steps: Object.fromEntries(Object.entries(steps).sort()) };
}

/** The style sheets a source loads: every stylesheet('…') call; one whose address is not a literal stops the build (it could not be named ahead). */
function styleSheetsOf(input) {
  const text = readFileSync(input, 'utf8');
  const sheets = [];
  for (const call of text.matchAll(/(?<!function )\bstylesheet\(/g)) {
    const literal = /^stylesheet\('([^'\s]+\.css)'\)/.exec(text.slice(call.index));
    if (!literal) {
      const line = text.slice(0, call.index).split('\n').length;
      throw new Error(`${input}:${line}: stylesheet() with an address that is not a literal '/….css': the participant page could not name it ahead (preload.json)`);
    }
    sheets.push(literal[1]);
  }
  return sheets;
}
